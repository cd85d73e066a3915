import { deleteRoute as removeRoute, updateRoute as writeRoute } from '@pgvigil/db/alerting';
import { updateRoute } from '@/contract';
import { noContent, readBody, reply } from '@/server/api';
import { routeView } from '@/server/routing-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Changes what is given of a route: admin only, as it decides who is paged. */
export const PATCH = withAuth<{ id: string }>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Route');
  const changes = await readBody(request, updateRoute);
  const route = await writeRoute(db(), id, changes);
  await audit('route.update', 'route', id, changes);
  return reply(updateRoute, { route: routeView(route) });
});

export const DELETE = withAuth<{ id: string }>('admin', async ({ params, audit }) => {
  const id = idParam(params.id, 'Route');
  const { name } = await removeRoute(db(), id);
  await audit('route.delete', 'route', id, { name });
  return noContent();
});
