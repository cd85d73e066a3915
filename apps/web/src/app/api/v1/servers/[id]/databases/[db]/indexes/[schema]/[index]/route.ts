import { getIndexDetail as readIndexDetail } from '@pgvigil/db/dashboard';
import { getIndexDetail } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

type Params = { id: string; db: string; schema: string; index: string };

/** One index: its newest facts and flags, and the alerts about it. */
export const GET = withAuth<Params>('viewer', async ({ params, at }) =>
  reply(
    getIndexDetail,
    await readIndexDetail({
      db: db(),
      input: {
        serverId: params.id,
        database: decodeURIComponent(params.db),
        schema: decodeURIComponent(params.schema),
        name: decodeURIComponent(params.index),
      },
      at,
    }),
  ),
);
