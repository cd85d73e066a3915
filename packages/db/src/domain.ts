// The closed sets live in the leaf package; the datastore adds which CHECK carries each
// (and rewrites that CHECK on migrate when the set changes: closed-set-checks.ts).
import {
  ALERT_STATES,
  AUTH_SOURCES,
  BLACKOUT_SCOPES,
  CHANNEL_TYPES,
  COMPONENTS,
  ENVIRONMENTS,
  EVENT_KINDS,
  OUTBOX_STATUSES,
  OVERRIDE_SCOPES,
  PLAN_SOURCES,
  PROBE_SETTING_SCOPES,
  ROLES,
  RULE_KINDS,
  SERVER_KINDS,
  SEVERITIES,
  SSL_MODES,
  TOKEN_SCOPES,
} from '@pgvigil/schema';

export * from '@pgvigil/schema/closed-sets';
export { CHANNEL_TYPES, type ChannelType } from '@pgvigil/schema/channels';

/** Which CHECK constraint carries which closed set: `table.column` -> values. */
export const CHECKED_COLUMNS = {
  'users.role': ROLES,
  'users.auth_source': AUTH_SOURCES,
  'sessions.auth_source': AUTH_SOURCES,
  'api_tokens.scope': TOKEN_SCOPES,
  'servers.environment': ENVIRONMENTS,
  'clusters.environment': ENVIRONMENTS,
  'servers.sslmode': SSL_MODES,
  'servers.kind': SERVER_KINDS,
  'rules.kind': RULE_KINDS,
  'rules.default_severity': SEVERITIES,
  'rule_overrides.scope_type': OVERRIDE_SCOPES,
  'blackouts.scope_type': BLACKOUT_SCOPES,
  'probe_settings.scope_type': PROBE_SETTING_SCOPES,
  'channels.type': CHANNEL_TYPES,
  'channels.min_severity': SEVERITIES,
  'alerts.state': ALERT_STATES,
  'alerts.severity': SEVERITIES,
  'alert_events.to_state': ALERT_STATES,
  'notification_outbox.status': OUTBOX_STATUSES,
  'heartbeats.component': COMPONENTS,
  'events.kind': EVENT_KINDS,
  'query_plans.source': PLAN_SOURCES,
} as const satisfies Record<string, readonly string[]>;
