import { getServerLogs as readServerLogs } from '@pgvigil/db/dashboard';
import { getServerLogs } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A server's log insights for `?from=&to=` (ISO, default the last hour). */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const q = readQuery(request, getServerLogs);
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3_600_000);
  return reply(
    getServerLogs,
    await readServerLogs({
      db: db(),
      input: { serverId: params.id, from, to, limit: 50 },
    }),
  );
});
