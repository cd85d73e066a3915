-- Retention is per metrics table, not per server: a daily partition holds every
-- server's rows and is dropped whole (never DELETE, which would bloat the tables and
-- cost the datastore a scan per server). A retention set for one server or cluster
-- could therefore never be applied; the collector ignored it. Clear such values and
-- refuse new ones, so no screen or API can show a setting that does nothing.
UPDATE probe_settings SET retention_days = NULL
 WHERE scope_type <> 'global' AND retention_days IS NOT NULL;

ALTER TABLE probe_settings ADD CONSTRAINT probe_settings_retention_global
  CHECK (scope_type = 'global' OR retention_days IS NULL);

COMMENT ON COLUMN probe_settings.retention_days IS
  'Days of raw samples kept for this probe''s metrics table, for every server: global scope only (partitions are shared by all servers). Rollup tables keep at least 35 days (5 min) and 400 days (1 h).';
