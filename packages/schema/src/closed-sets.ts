/**
 * Closed sets shared by the datastore, the apps and the UI. Each SQL CHECK in the
 * datastore lists the same values (db's CHECKED_COLUMNS, rewritten on migrate when a set changes).
 */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What an API token may do: anything its owner may, only read (GET), or only scrape
 * GET /metrics (with the probe series, for a Prometheus).
 */
export const TOKEN_SCOPES = ['full', 'read', 'metrics'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * How a user proves who they are: a pgvigil password, an OpenID Connect provider, or
 * an authenticating reverse proxy's header. Sessions record the same set.
 */
export const AUTH_SOURCES = ['local', 'oidc', 'proxy'] as const;
export type AuthSource = (typeof AUTH_SOURCES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_STATES = [
  'ok',
  'pending',
  'firing',
  'resolved',
  'acknowledged',
  'silenced',
  'no_data',
] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const ENVIRONMENTS = ['production', 'staging', 'development', 'custom'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** What a registered target is: a PostgreSQL server, or a PgBouncer read through its admin console. */
export const SERVER_KINDS = ['postgres', 'pgbouncer'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export const SSL_MODES = [
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const RULE_KINDS = ['builtin', 'custom', 'forecast', 'anomaly'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const OVERRIDE_SCOPES = ['environment', 'cluster', 'server', 'database'] as const;
export type OverrideScope = (typeof OVERRIDE_SCOPES)[number];

export const BLACKOUT_SCOPES = ['global', 'cluster', 'server', 'database'] as const;
export type BlackoutScope = (typeof BLACKOUT_SCOPES)[number];

export const PROBE_SETTING_SCOPES = ['global', 'cluster', 'server'] as const;
export type ProbeSettingScope = (typeof PROBE_SETTING_SCOPES)[number];

/** Markers posted with POST /api/v1/events: a deploy, a migration, a maintenance step... */
export const EVENT_KINDS = [
  'deploy',
  'migration',
  'maintenance',
  'config',
  'other',
  // recorded by the collector from a Patroni cluster's REST API
  'switchover',
  'failover',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Where a stored plan came from: EXPLAIN with GENERIC_PLAN, plain EXPLAIN, or auto_explain's log. */
export const PLAN_SOURCES = ['generic', 'explain', 'auto_explain'] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const COMPONENTS = ['collector', 'alerter', 'web'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Where a rule's tuning may be set; most general first, a later level wins. */
export const OVERRIDE_LEVELS = ['global', 'environment', 'cluster', 'server', 'database'] as const;
export type OverrideLevel = (typeof OVERRIDE_LEVELS)[number];

/** What an override may set besides rule parameters. */
export const TUNABLES = ['enabled', 'warning', 'critical', 'forSeconds'] as const;
export type Tunable = (typeof TUNABLES)[number];

/** How a rule reduces its window of samples to one value. */
export const AGGREGATIONS = ['latest', 'avg', 'max', 'min', 'rate', 'delta'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const OPERATORS = ['>', '>=', '<', '<='] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * What went wrong, as the `code` of an API error body. Closed: a typed error can
 * carry only one of these, and the web app maps each to its HTTP status once.
 */
export const ERROR_CODES = [
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'datastore_unavailable',
  'misconfigured',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

// ---- what the dashboard and the API answer with ------------------------------

/** A server's health on the dashboard: worst of reachability and active alerts. */
export const HEALTH_STATES = ['ok', 'unknown', 'degraded', 'critical', 'down', 'disabled'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const FLEET_SORTS = ['name', 'cluster', 'environment', 'alerts', 'severity'] as const;
export const TABLE_SORTS = ['size', 'scans', 'dead', 'bloat', 'vacuum'] as const;
export type TableSort = (typeof TABLE_SORTS)[number];
export const TOP_QUERY_SORTS = ['total_time', 'mean_time', 'calls', 'rows', 'io', 'temp'] as const;
export const INDEX_ISSUES = ['unused', 'duplicate', 'invalid'] as const;
export type IndexIssue = (typeof INDEX_ISSUES)[number];

/** What the index advisor proposes: drop (unused, duplicate, invalid), rebuild (bloated) or create (missing). */
export const INDEX_ADVICE_KINDS = ['unused', 'duplicate', 'invalid', 'bloated', 'missing'] as const;
export type IndexAdviceKind = (typeof INDEX_ADVICE_KINDS)[number];
export const SCHEMA_CHANGES = ['created', 'dropped', 'altered'] as const;
export const LAG_LEVELS = ['ok', 'warning', 'critical', 'unknown'] as const;
export type LagLevel = (typeof LAG_LEVELS)[number];

/** Where an effective probe setting comes from. */
export const SETTING_SOURCES = ['default', 'global', 'cluster', 'server'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

export const NOTIFICATION_KINDS = ['firing', 'escalated', 'reminder', 'resolved', 'test'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Which history a baseline was computed from, most specific first. */
export const BASELINE_SOURCES = ['hour_of_week', 'hour_of_day', 'overall'] as const;
export type BaselineSource = (typeof BASELINE_SOURCES)[number];
