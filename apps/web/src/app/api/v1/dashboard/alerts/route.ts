import { listActiveAlerts as readActiveAlerts } from '@pgvigil/db/dashboard';
import { listActiveAlerts } from '@/contract';
import { pageByOffset, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Firing and acknowledged alerts, worst first; `?serverId=`, `?clusterId=`, `?databaseName=`, `?objectKey=` narrow it. */
export const GET = withAuth('viewer', async ({ request }) => {
  const q = readQuery(request, listActiveAlerts);
  const { limit: _limit, cursor: _cursor, ...filters } = q;
  const page = await pageByOffset(q, (window) =>
    readActiveAlerts({ db: db(), input: { ...filters, ...window } }),
  );
  return reply(listActiveAlerts, { alerts: page.items, nextCursor: page.nextCursor });
});
