-- One row per sample write the collector made: a write whose COMMIT was sent but
-- whose answer was lost (the datastore died at that moment) is retried with the same
-- id, and finds its row here instead of writing its samples a second time.
CREATE TABLE ingest_ledger (
  write_id text PRIMARY KEY,
  written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ingest_ledger_written_at_idx ON ingest_ledger (written_at);
