import { listFleet as readFleet } from '@pgvigil/db/dashboard';
import { listFleet } from '@/contract';
import { pageByOffset, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Servers with health and active alerts; filter, search, sort and page via the query string. */
export const GET = withAuth('viewer', async ({ request, at }) => {
  const q = readQuery(request, listFleet);
  const { limit: _limit, cursor: _cursor, ...filters } = q;
  let total = 0;
  const page = await pageByOffset(q, async (window) => {
    const fleet = await readFleet({ db: db(), input: { ...filters, ...window }, at });
    total = fleet.total;
    return fleet.servers;
  });
  return reply(listFleet, { servers: page.items, total, nextCursor: page.nextCursor });
});
