-- Notification policies: ordered routes that pick an alert's channels by what it is
-- about (environment, cluster, server tags, severity, rule, rule kind). No route at
-- all, or none matching, is the default route: every enabled channel with its own
-- minimum severity and filters, as before routes existed.
CREATE TABLE notification_routes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  position integer NOT NULL,
  -- { environments?, clusterIds?, serverTags?, severities?, rules?, ruleKinds? }: all given must hold
  match jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(match) = 'object'),
  -- channels deleted later are skipped when routing
  channel_ids bigint[] NOT NULL DEFAULT '{}',
  -- keep looking at the routes below after this one matched
  continue boolean NOT NULL DEFAULT false,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_routes_position_idx ON notification_routes (position, id);
