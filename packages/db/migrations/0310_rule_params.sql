-- Rule parameters besides the thresholds (the minimum size under which the bloat
-- rules do not judge): a name -> number map, globally on the rule and per override.
-- A name absent from the map inherits (down to the catalog default).
ALTER TABLE rules
  ADD COLUMN params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object');
ALTER TABLE rule_overrides
  ADD COLUMN params jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object');
