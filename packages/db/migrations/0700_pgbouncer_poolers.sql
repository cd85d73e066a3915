-- A registered target is a PostgreSQL server or a PgBouncer pooler. A pooler keeps
-- everything a server has (connection, secrets, bastion, cluster, probe settings,
-- metrics keyed by server_id, leases); only its probes differ. pooler_targets links
-- a pooler to the servers it sends connections to, for the topology.
ALTER TABLE servers
  ADD COLUMN kind text NOT NULL DEFAULT 'postgres' CHECK (kind IN ('postgres', 'pgbouncer'));

CREATE TABLE pooler_targets (
  pooler_id bigint NOT NULL REFERENCES servers ON DELETE CASCADE,
  server_id bigint NOT NULL REFERENCES servers ON DELETE CASCADE,
  PRIMARY KEY (pooler_id, server_id),
  CHECK (pooler_id <> server_id)
);
CREATE INDEX pooler_targets_server_id_idx ON pooler_targets (server_id);
