import { getClusterOverview as readClusterOverview } from '@pgvigil/db/dashboard';
import { getClusterOverview } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A cluster with its members (health, alerts) and its active alerts. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params, at }) =>
  reply(getClusterOverview, await readClusterOverview({ db: db(), input: { id: params.id }, at })),
);
