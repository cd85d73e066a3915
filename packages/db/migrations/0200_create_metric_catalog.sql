-- What each metrics.<probe> table holds, so readers (dashboard, alerter) can tell
-- counters from gauges and key columns from values without importing the probes.
-- Written by the collector when it creates or widens a probe's table.
CREATE TABLE metric_catalog (
  table_name text PRIMARY KEY REFERENCES metric_tables ON DELETE CASCADE,
  scope text NOT NULL CHECK (scope IN ('instance', 'database')),
  interval_seconds integer NOT NULL CHECK (interval_seconds BETWEEN 1 AND 86400),
  -- [{ name, type, counter?, key?, unit? }] in table order, implicit columns excluded
  columns jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
