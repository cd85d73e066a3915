import { getServerOverview as readServerOverview } from '@pgvigil/db/dashboard';
import { getServerOverview } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A server's identity, health, active alerts and plain-words summary. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params, at }) =>
  reply(getServerOverview, await readServerOverview({ db: db(), input: { id: params.id }, at })),
);
