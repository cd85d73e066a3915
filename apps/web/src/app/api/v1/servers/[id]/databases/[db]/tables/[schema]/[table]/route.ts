import { getTableDetail as readTableDetail } from '@pgvigil/db/dashboard';
import { getTableDetail } from '@/contract';
import { reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

type Params = { id: string; db: string; schema: string; table: string };

/** One table: its newest facts, its indexes, its DDL changes and the alerts about it. */
export const GET = withAuth<Params>('viewer', async ({ params, at }) =>
  reply(
    getTableDetail,
    await readTableDetail({
      db: db(),
      input: {
        serverId: params.id,
        database: decodeURIComponent(params.db),
        schema: decodeURIComponent(params.schema),
        name: decodeURIComponent(params.table),
      },
      at,
    }),
  ),
);
