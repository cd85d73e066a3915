import { listQueryPlans as readQueryPlans } from '@pgvigil/db/dashboard';
import { listQueryPlans } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** A statement's captured plans, newest first (empty when none was captured). */
export const GET = withAuth<{ id: string; queryid: string }>('viewer', async ({ params }) =>
  reply(
    listQueryPlans,
    await readQueryPlans({
      db: db(),
      input: { serverId: params.id, queryid: decodeURIComponent(params.queryid) },
    }),
  ),
);
