import { listDatabaseIndexes as readIndexes } from '@pgvigil/db/dashboard';
import { listDatabaseIndexes } from '@/contract';
import { pageOf, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Indexes of a database (`?schema=&table=` for one table's), largest first, with unused / duplicate / invalid flags. */
export const GET = withAuth<{ id: string; db: string }>(
  'viewer',
  async ({ request, params, at }) => {
    const q = readQuery(request, listDatabaseIndexes);
    const indexes = await readIndexes({
      db: db(),
      input: {
        serverId: params.id,
        database: decodeURIComponent(params.db),
        schema: q.schema,
        table: q.table,
      },
      at,
    });
    const page = pageOf(indexes, q);
    return reply(listDatabaseIndexes, { indexes: page.items, nextCursor: page.nextCursor });
  },
);
