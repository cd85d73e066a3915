import { compareServerDatabases } from '@pgvigil/alerting';
import { compareServersEndpoint } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { parseOr400 } from '@/server/validate';
import { z } from 'zod';

export const dynamic = 'force-dynamic';

/** One database of this server against the same database of `with`, read live on both. */
export const GET = withAuth<{ id: string }>('editor', async ({ request, params }) => {
  const q = readQuery(request, compareServersEndpoint);
  return reply(
    compareServersEndpoint,
    await compareServerDatabases({
      db: db(),
      secretBox,
      input: {
        serverId: parseOr400(z.coerce.number().int().positive(), params.id),
        withServerId: q.with,
        database: q.database,
        ...(q.targetDatabase !== undefined ? { targetDatabase: q.targetDatabase } : {}),
        exact: q.exact,
        countMs: q.countMs,
      },
    }),
  );
});
