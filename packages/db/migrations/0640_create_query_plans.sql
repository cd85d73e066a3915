-- Plans of the top statements, change-tracked per (server, queryid): a row is written
-- when the plan's structural fingerprint differs from the newest stored one, so each
-- row's captured_at is the time its plan appeared; last_seen moves on each capture of
-- the same plan. Calls and time around a change come from metrics.statements.
CREATE TABLE query_plans (
  server_id bigint NOT NULL REFERENCES servers ON DELETE CASCADE,
  queryid bigint NOT NULL,
  captured_at timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  fingerprint text NOT NULL,
  source text NOT NULL CHECK (source IN ('auto_explain', 'explain', 'generic')),
  database text NOT NULL,
  plan jsonb NOT NULL,
  PRIMARY KEY (server_id, queryid, captured_at)
);
