import { readServerReadiness } from '@pgvigil/alerting';
import { getReadiness } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { parseOr400 } from '@/server/validate';
import { z } from 'zod';

export const dynamic = 'force-dynamic';

/** The readiness report of one database, read live on the server. */
export const GET = withAuth<{ id: string }>('editor', async ({ request, params, at }) => {
  const q = readQuery(request, getReadiness);
  const serverId = parseOr400(z.coerce.number().int().positive(), params.id);
  return reply(
    getReadiness,
    await readServerReadiness({
      db: db(),
      secretBox,
      input: {
        serverId,
        database: q.database,
        purpose: q.for,
        ...(q.role !== undefined ? { replicationRole: q.role } : {}),
        copyMbPerSecond: q.rate,
      },
      at,
    }),
  );
});
