import { listServerDatabases as readDatabases } from '@pgvigil/db/dashboard';
import { listServerDatabases } from '@/contract';
import { pageOf, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The databases last seen on a server, with commit/rollback rates and cache hit ratio. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params, at }) => {
  const databases = await readDatabases({ db: db(), input: { serverId: params.id }, at });
  const page = pageOf(databases, readQuery(request, listServerDatabases));
  return reply(listServerDatabases, { databases: page.items, nextCursor: page.nextCursor });
});
