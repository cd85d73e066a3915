-- Where each firing alert is in its escalation policy, when its acknowledgement runs
-- out ("ack for 2 h") and who owns it.
ALTER TABLE alerts
  ADD COLUMN escalation_id bigint REFERENCES escalation_policies ON DELETE SET NULL,
  ADD COLUMN escalation_step integer CHECK (escalation_step >= 0),
  -- the next step is due then unless the alert is acknowledged or closed; NULL: none
  ADD COLUMN escalation_next_at timestamptz,
  ADD COLUMN ack_until timestamptz,
  ADD COLUMN owner_id bigint REFERENCES users ON DELETE SET NULL;
CREATE INDEX alerts_escalation_due_idx ON alerts (escalation_next_at)
  WHERE escalation_next_at IS NOT NULL;
CREATE INDEX alerts_ack_until_idx ON alerts (ack_until) WHERE ack_until IS NOT NULL;
