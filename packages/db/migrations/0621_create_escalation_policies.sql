-- Escalation policies: steps of channels to notify, each waiting some minutes for an
-- acknowledgement before the next; at the end, repeat from the first step or stop.
-- A route names at most one; the alerts it routes follow it while firing.
CREATE TABLE escalation_policies (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- [{ "channelIds": [1, 2], "waitMinutes": 15 }, ...]
  steps jsonb NOT NULL
    CHECK (jsonb_typeof(steps) = 'array' AND jsonb_array_length(steps) BETWEEN 1 AND 20),
  repeat boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX escalation_policies_name_key ON escalation_policies (lower(name));

ALTER TABLE notification_routes
  ADD COLUMN escalation_id bigint REFERENCES escalation_policies ON DELETE SET NULL;
