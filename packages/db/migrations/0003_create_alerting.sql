-- Rules and their overrides, blackouts, channels, alerts with their events, and the
-- notification outbox that makes delivery survive restarts.
CREATE TABLE rules (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- stable key: the catalog name of a built-in rule, a slug for a custom one
  key text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9_.-]{1,100}$'),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('builtin', 'custom', 'forecast', 'anomaly')),
  probe text,
  definition jsonb NOT NULL DEFAULT '{}',
  default_severity text NOT NULL DEFAULT 'warning'
    CHECK (default_severity IN ('info', 'warning', 'critical')),
  warning_threshold double precision,
  critical_threshold double precision,
  for_seconds integer NOT NULL DEFAULT 300 CHECK (for_seconds >= 0),
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rule_overrides (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id bigint NOT NULL REFERENCES rules ON DELETE CASCADE,
  scope_type text NOT NULL CHECK (scope_type IN ('environment', 'cluster', 'server', 'database')),
  -- cluster or server id; for 'database' the server id, with database_name set
  scope_id bigint,
  -- environment name, or database name for 'database'
  scope_value text,
  enabled boolean,
  warning_threshold double precision,
  critical_threshold double precision,
  for_seconds integer CHECK (for_seconds >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX rule_overrides_scope_key
  ON rule_overrides (rule_id, scope_type, coalesce(scope_id, 0), coalesce(scope_value, ''));

CREATE TABLE blackouts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  scope_type text NOT NULL CHECK (scope_type IN ('global', 'cluster', 'server', 'database')),
  scope_id bigint,
  database_name text,
  -- recurring: cron + duration + timezone; one-off: starts_at + ends_at
  cron text,
  duration_minutes integer CHECK (duration_minutes > 0),
  timezone text NOT NULL DEFAULT 'UTC',
  starts_at timestamptz,
  ends_at timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((cron IS NOT NULL AND duration_minutes IS NOT NULL)
      OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at))
);

CREATE TABLE channels (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('slack', 'mattermost', 'webhook', 'email')),
  -- settings safe to show; secrets (URLs, SMTP passwords, HMAC keys) live in secret_enc
  config jsonb NOT NULL DEFAULT '{}',
  secret_enc text,
  min_severity text NOT NULL DEFAULT 'warning' CHECK (min_severity IN ('info', 'warning', 'critical')),
  filters jsonb NOT NULL DEFAULT '{}',
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX channels_name_key ON channels (lower(name));

CREATE TABLE alerts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id bigint NOT NULL REFERENCES rules ON DELETE CASCADE,
  server_id bigint REFERENCES servers ON DELETE CASCADE,
  database_name text,
  -- the table, index, slot... the alert is about, if any
  object_key text,
  -- rule + server + database + object: one open alert per fingerprint
  fingerprint text NOT NULL,
  state text NOT NULL CHECK (state IN ('ok', 'pending', 'firing', 'resolved', 'acknowledged', 'silenced', 'no_data')),
  severity text CHECK (severity IN ('info', 'warning', 'critical')),
  value double precision,
  threshold double precision,
  message text NOT NULL DEFAULT '',
  started_at timestamptz NOT NULL DEFAULT now(),
  fired_at timestamptz,
  resolved_at timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by bigint REFERENCES users ON DELETE SET NULL,
  ack_comment text,
  last_evaluated_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alerts_open_fingerprint_key ON alerts (fingerprint) WHERE state NOT IN ('resolved', 'ok');
CREATE INDEX alerts_server_id_idx ON alerts (server_id);
CREATE INDEX alerts_state_idx ON alerts (state);

CREATE TABLE alert_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alerts ON DELETE CASCADE,
  at timestamptz NOT NULL DEFAULT now(),
  from_state text,
  to_state text NOT NULL CHECK (to_state IN ('ok', 'pending', 'firing', 'resolved', 'acknowledged', 'silenced', 'no_data')),
  severity text,
  value double precision,
  reason text NOT NULL DEFAULT ''
);
CREATE INDEX alert_events_alert_id_idx ON alert_events (alert_id, at);

CREATE TABLE notification_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel_id bigint NOT NULL REFERENCES channels ON DELETE CASCADE,
  alert_event_id bigint REFERENCES alert_events ON DELETE SET NULL,
  -- (event or group, channel): delivering the same key twice is a no-op
  dedupe_key text NOT NULL UNIQUE,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
