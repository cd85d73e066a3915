-- A cluster managed by Patroni: the REST API of one member (any member answers for the
-- whole cluster). The collector polls it each interval; what it read last, or why it
-- could not, is kept per cluster for the cluster page and for the next poll to compare
-- with (a new leader or timeline is a switchover or failover event). The events' kind
-- CHECK gains 'switchover' and 'failover' from the closed set at migration time.
ALTER TABLE clusters
  ADD COLUMN patroni_url text CHECK (patroni_url ~ '^https?://' AND length(patroni_url) <= 500);

CREATE TABLE patroni_state (
  cluster_id bigint PRIMARY KEY REFERENCES clusters ON DELETE CASCADE,
  -- the last successful read
  read_at timestamptz,
  leader text,
  timeline bigint,
  view jsonb,
  -- the last failed read, cleared by a successful one
  error text,
  error_at timestamptz
);
