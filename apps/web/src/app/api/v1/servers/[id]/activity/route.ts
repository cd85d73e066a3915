import { getLiveActivity as readActivity } from '@pgvigil/db/dashboard';
import { getLiveActivity } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The newest sampled sessions (busiest first, at most `?sessions=`) and the blocking tree. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params, at }) => {
  const q = readQuery(request, getLiveActivity);
  return reply(
    getLiveActivity,
    await readActivity({ db: db(), input: { serverId: params.id, limit: q.sessions }, at }),
  );
});
