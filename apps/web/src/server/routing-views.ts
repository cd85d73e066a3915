import type { RouteRow } from '@pgvigil/db/alerting';
import type { Route } from '@/contract';

export const routeView = (r: RouteRow): Route => ({
  id: r.id,
  name: r.name,
  position: r.position,
  match: r.match,
  channelIds: r.channel_ids,
  continue: r.continue,
  enabled: r.enabled,
  createdAt: r.created_at,
});
