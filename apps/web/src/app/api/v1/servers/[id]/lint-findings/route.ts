import { listLintFindings as readFindings } from '@pgvigil/db/dashboard';
import { listLintFindings } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** The server's configuration and security findings (`?database=` for one database). */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params, at }) => {
  const serverId = idParam(params.id, 'Server');
  const q = readQuery(request, listLintFindings);
  const findings = await readFindings({
    db: db(),
    input: { serverId, ...(q.database ? { database: q.database } : {}) },
    at,
  });
  return reply(listLintFindings, { findings });
});
