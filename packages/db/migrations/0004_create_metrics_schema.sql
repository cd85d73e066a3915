-- Time-partitioned metrics live in their own schema; the registry below tells the
-- partition manager which tables to keep and for how long. Heartbeats let /health
-- say whether the collector and alerter are alive.
CREATE SCHEMA IF NOT EXISTS metrics;

CREATE TABLE metric_tables (
  table_name text PRIMARY KEY CHECK (table_name ~ '^[a-z][a-z0-9_]{0,50}$'),
  retention_days integer NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
  -- snapshot tables written only on change: their newest rows are never dropped
  change_tracked boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE heartbeats (
  component text NOT NULL CHECK (component IN ('collector', 'alerter', 'web')),
  instance_id text NOT NULL,
  started_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  info jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (component, instance_id)
);
