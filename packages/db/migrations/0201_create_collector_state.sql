-- Collector state: which collector watches which server (leases), each server's
-- reachability, and pg_stat_statements texts stored once per (server, queryid).

-- A probe whose rows are already deltas (pg_stat_statements) is never rolled up.
ALTER TABLE metric_catalog ADD COLUMN rollups boolean NOT NULL DEFAULT true;

-- One row per server being watched; a collector renews its leases every few seconds
-- and takes expired ones with FOR UPDATE SKIP LOCKED, so a dead collector's servers
-- move to a live one once its leases expire.
CREATE TABLE collector_leases (
  server_id bigint PRIMARY KEY REFERENCES servers ON DELETE CASCADE,
  collector_id text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX collector_leases_collector_idx ON collector_leases (collector_id);

CREATE TABLE server_status (
  server_id bigint PRIMARY KEY REFERENCES servers ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('up', 'down')),
  -- a connection error class (the same codes as test-connection) when down
  error_code text,
  error_message text,
  server_version_num integer,
  since timestamptz NOT NULL,
  checked_at timestamptz NOT NULL,
  collector_id text NOT NULL
);

CREATE TABLE query_texts (
  server_id bigint NOT NULL REFERENCES servers ON DELETE CASCADE,
  queryid bigint NOT NULL,
  query text NOT NULL,
  first_seen timestamptz NOT NULL,
  PRIMARY KEY (server_id, queryid)
);
