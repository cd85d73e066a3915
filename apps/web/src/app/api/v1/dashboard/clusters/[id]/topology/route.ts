import { getClusterOverview, getClusterTopology as readTopology } from '@pgvigil/db/dashboard';
import { getClusterTopology } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The cluster's replication topology: members and links with their replay lag. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params, at }) => {
  const cluster = await getClusterOverview({ db: db(), input: { id: params.id }, at });
  return reply(getClusterTopology, await readTopology({ db: db(), members: cluster.members, at }));
});
