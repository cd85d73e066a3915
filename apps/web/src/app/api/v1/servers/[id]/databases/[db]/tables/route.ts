import { listDatabaseTables as readTables } from '@pgvigil/db/dashboard';
import { listDatabaseTables } from '@/contract';
import { pageOf, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The tables of a database from the newest sample: sizes, tuples, dead tuples, scan rates, bloat, vacuum; `?sort=`. */
export const GET = withAuth<{ id: string; db: string }>(
  'viewer',
  async ({ request, params, at }) => {
    const q = readQuery(request, listDatabaseTables);
    const tables = await readTables({
      db: db(),
      input: { serverId: params.id, database: decodeURIComponent(params.db), sort: q.sort },
      at,
    });
    const page = pageOf(tables, q);
    return reply(listDatabaseTables, { tables: page.items, nextCursor: page.nextCursor });
  },
);
