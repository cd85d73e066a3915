// Alerting rows (snake_case, as stored) -> the API's camelCase objects: each
// resource mapped once, here, for the routes and the pages alike.
import { alertView as sharedAlertView, overrideOf } from '@pgvigil/alerting';
import type {
  AlertEventRow,
  AlertListItem,
  BlackoutRow,
  ChannelRow,
  OutboxRow,
  OverrideRow,
  RuleRow,
} from '@pgvigil/db/alerting';
import type { Alert, AlertEvent, Blackout, Channel, Delivery, Override, Rule } from '@/contract';

/** The shared camelCase alert (@pgvigil/alerting), as the contract's Alert. */
export const alertView = (a: AlertListItem): Alert => sharedAlertView(a);

export const alertEventView = (e: AlertEventRow): AlertEvent => ({
  id: e.id,
  at: e.at,
  fromState: e.from_state,
  toState: e.to_state,
  severity: e.severity as AlertEvent['severity'],
  value: e.value,
  reason: e.reason,
});

export const ruleView = (r: RuleRow): Rule => ({
  id: r.id,
  key: r.key,
  name: r.name,
  kind: r.kind,
  probe: r.probe,
  definition: r.definition,
  defaultSeverity: r.default_severity,
  warning: r.warning_threshold,
  critical: r.critical_threshold,
  forSeconds: r.for_seconds,
  enabled: r.enabled,
  params: r.params,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at,
  unavailable: r.unavailable,
  flapLimit: r.flap_limit,
  updatedAt: r.updated_at,
});

/** The domain's override (one mapping, in @pgvigil/alerting) with the API's names. */
export const overrideView = (o: OverrideRow): Override => {
  const { scope, ...tuning } = overrideOf(o);
  return {
    ...tuning,
    id: o.id,
    ruleId: o.rule_id,
    scopeType: scope,
    params: o.params,
    updatedAt: o.updated_at,
  };
};

export const blackoutView = (b: BlackoutRow): Blackout => ({
  id: b.id,
  name: b.name,
  scopeType: b.scope_type,
  scopeId: b.scope_id,
  databaseName: b.database_name,
  cron: b.cron,
  durationMinutes: b.duration_minutes,
  timezone: b.timezone,
  startsAt: b.starts_at,
  endsAt: b.ends_at,
  enabled: b.enabled,
});

export const channelView = (c: ChannelRow): Channel => ({
  id: c.id,
  name: c.name,
  type: c.type,
  config: c.config,
  minSeverity: c.min_severity,
  filters: c.filters,
  enabled: c.enabled,
  createdAt: c.created_at,
});

export const deliveryView = (d: OutboxRow): Delivery => ({
  id: d.id,
  channelId: d.channel_id,
  channelName: d.channel_name,
  kind: d.kind,
  status: d.status,
  attempts: d.attempts,
  lastError: d.last_error,
  createdAt: d.created_at,
  sentAt: d.sent_at,
  nextAttemptAt: d.next_attempt_at,
  alertId: d.alert_id,
  title: d.title,
});
