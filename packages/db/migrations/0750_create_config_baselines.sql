-- The configuration an admin marked as known-good, per server: a copy of the newest
-- settings snapshot (name -> setting) and of the pg_hba.conf lines (NULL when pgvigil
-- cannot read them), so retention never takes the reference away. config_drift
-- compares the newest snapshots with it.
CREATE TABLE config_baselines (
  server_id bigint PRIMARY KEY REFERENCES servers ON DELETE CASCADE,
  settings jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
  hba jsonb CHECK (hba IS NULL OR jsonb_typeof(hba) = 'array'),
  marked_at timestamptz NOT NULL,
  marked_by bigint REFERENCES users ON DELETE SET NULL
);
