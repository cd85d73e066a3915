import { createRoute as insertRoute, listRoutes as readRoutes } from '@pgvigil/db/alerting';
import { createRoute, listRoutes } from '@/contract';
import { readBody, reply } from '@/server/api';
import { routeView } from '@/server/routing-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Notification routes in the order they are tried. */
export const GET = withAuth('viewer', async () =>
  reply(listRoutes, { routes: (await readRoutes(db())).map(routeView) }),
);

/** { name, match, channelIds, continue?, position? }: admin only, as it decides who is paged. */
export const POST = withAuth('admin', async ({ request, audit }) => {
  const b = await readBody(request, createRoute);
  const route = await insertRoute(db(), b);
  await audit('route.create', 'route', route.id, { name: route.name });
  return reply(createRoute, { route: routeView(route) });
});
