import type { EscalationPolicyRow, RouteRow } from '@pgvigil/db/alerting';
import type { EscalationPolicy, Route } from '@/contract';

export const routeView = (r: RouteRow): Route => ({
  id: r.id,
  name: r.name,
  position: r.position,
  match: r.match,
  channelIds: r.channel_ids,
  continue: r.continue,
  enabled: r.enabled,
  escalationId: r.escalation_id,
  groupWaitSeconds: r.group_wait_seconds,
  groupIntervalSeconds: r.group_interval_seconds,
  repeatIntervalSeconds: r.repeat_interval_seconds,
  createdAt: r.created_at,
});

export const escalationView = (p: EscalationPolicyRow): EscalationPolicy => ({
  id: p.id,
  name: p.name,
  steps: p.steps,
  repeat: p.repeat,
  createdAt: p.created_at,
});
