-- Missing-index candidates the collector found on a monitored database: the indexable
-- predicates of its top statements over tables read by large sequential scans, proven
-- with a hypothetical index (hypopg) where the database has it. One row per proposed
-- index; a later check of the same statements that no longer proposes it deletes it.
CREATE TABLE index_candidates (
  server_id bigint NOT NULL REFERENCES servers ON DELETE CASCADE,
  database text NOT NULL,
  -- schema.table
  table_name text NOT NULL,
  columns text[] NOT NULL,
  statement text NOT NULL,
  queryids bigint[] NOT NULL,
  verified boolean NOT NULL,
  cost_before double precision,
  cost_after double precision,
  detail text NOT NULL,
  found_at timestamptz NOT NULL,
  checked_at timestamptz NOT NULL,
  PRIMARY KEY (server_id, database, table_name, columns)
);
