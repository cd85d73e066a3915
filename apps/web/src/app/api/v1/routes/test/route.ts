import { routeAlert } from '@pgvigil/alerting';
import { listChannels, listRoutes } from '@pgvigil/db/alerting';
import { testRoutes } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** "Which route would this alert take?": the alerter's own routing, on the labels given. */
export const POST = withAuth('viewer', async ({ request }) => {
  const l = await readBody(request, testRoutes);
  const [routes, channels] = await Promise.all([listRoutes(db()), listChannels(db())]);
  const r = routeAlert(routes, channels, {
    severity: l.severity,
    rule: l.rule,
    ruleKind: l.ruleKind ?? 'builtin',
    environment: l.environment ?? null,
    clusterId: l.clusterId ?? null,
    serverTags: l.serverTags ?? [],
  });
  return reply(testRoutes, {
    routes: r.routes.map((x) => ({ id: x.id, name: x.name })),
    defaultRoute: r.routes.length === 0,
    channels: r.channels.map((c) => ({ id: c.id, name: c.name })),
  });
});
