import { reorderRoutes as writeOrder } from '@pgvigil/db/alerting';
import { reorderRoutes } from '@/contract';
import { readBody, reply } from '@/server/api';
import { routeView } from '@/server/routing-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/**
 * { ids }: every route, in the order they are tried. The whole order rather than one
 * route's position, so a move is one atomic write and a stale list is refused (409).
 */
export const PUT = withAuth('admin', async ({ request, audit }) => {
  const { ids } = await readBody(request, reorderRoutes);
  const routes = await writeOrder(db(), ids);
  await audit('route.reorder', 'route', null, { ids });
  return reply(reorderRoutes, { routes: routes.map(routeView) });
});
