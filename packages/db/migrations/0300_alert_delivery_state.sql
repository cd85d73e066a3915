-- What the alerter needs beyond 0003: whether a firing message went out for the
-- current episode (so a resolve is worth sending), when the last reminder went,
-- details such as the baseline band or forecast, and per-rule evaluation options.
ALTER TABLE alerts
  ADD COLUMN notified boolean NOT NULL DEFAULT false,
  ADD COLUMN last_notified_at timestamptz,
  ADD COLUMN details jsonb NOT NULL DEFAULT '{}';

ALTER TABLE notification_outbox
  ADD COLUMN alert_id bigint REFERENCES alerts ON DELETE CASCADE,
  ADD COLUMN kind text NOT NULL DEFAULT 'firing'
    CHECK (kind IN ('firing', 'escalated', 'reminder', 'resolved', 'test'));
CREATE INDEX notification_outbox_alert_id_idx ON notification_outbox (alert_id);
CREATE INDEX notification_outbox_created_idx ON notification_outbox (created_at DESC);

CREATE INDEX alerts_history_idx ON alerts (updated_at DESC);
