-- Why a rule is blind on some objects (a value the monitoring role may not read, with the
-- GRANT or helper that shows it): set by each cycle that evaluated the rule, NULL when it
-- saw every value. Shown on the Rules page; such objects are never evaluated.
ALTER TABLE rules ADD COLUMN unavailable text;
