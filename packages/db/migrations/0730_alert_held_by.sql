-- Suppression by dependency: an alert whose server (or, for a standby's replication
-- alerts, whose upstream) is down is held: recorded, not sent. The server whose
-- outage holds it; NULL when nothing does.
ALTER TABLE alerts
  ADD COLUMN held_by_server_id bigint REFERENCES servers ON DELETE SET NULL;
