-- Markers from outside pgvigil (a deploy, a migration, a maintenance step), posted
-- with POST /api/v1/events: the investigation of an alert shows those of the hour
-- before it on its timeline. A marker names a server, a cluster, or neither (all).
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL DEFAULT 'deploy'
    CHECK (kind IN ('deploy', 'migration', 'maintenance', 'config', 'other')),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  details text,
  server_id bigint REFERENCES servers ON DELETE CASCADE,
  cluster_id bigint REFERENCES clusters ON DELETE CASCADE,
  created_by bigint REFERENCES users ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_at_idx ON events (at);
