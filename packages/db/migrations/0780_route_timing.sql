-- Per-route timing, as Alertmanager has it. NULL: the alerter's default (no group wait,
-- no group interval, reminders every ALERTER_REMINDER_MINUTES).
ALTER TABLE notification_routes
  -- how long the first message of a new group waits to collect more alerts
  ADD COLUMN group_wait_seconds integer CHECK (group_wait_seconds BETWEEN 0 AND 86400),
  -- how long after a group's message the next update of that group may go out
  ADD COLUMN group_interval_seconds integer
    CHECK (group_interval_seconds BETWEEN 0 AND 86400),
  -- reminders of a still-firing alert taking this route; 0: none
  ADD COLUMN repeat_interval_seconds integer
    CHECK (repeat_interval_seconds BETWEEN 0 AND 604800);

-- The group a message belongs to on its channel (rule and server): a message held for its
-- group wait or group interval takes in the later messages of the same group.
ALTER TABLE notification_outbox ADD COLUMN group_key text;
CREATE INDEX notification_outbox_group_idx ON notification_outbox (channel_id, group_key, kind)
  WHERE group_key IS NOT NULL;
