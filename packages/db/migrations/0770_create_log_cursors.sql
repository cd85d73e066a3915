-- Where the collector stopped reading each server's own log (log insights): the file
-- and the byte offset just past the last complete record it counted. Read again after
-- a restart or by another collector taking the server over, so no byte is read twice.
CREATE TABLE log_cursors (
  server_id bigint PRIMARY KEY REFERENCES servers ON DELETE CASCADE,
  file text NOT NULL,
  byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
  updated_at timestamptz NOT NULL
);
