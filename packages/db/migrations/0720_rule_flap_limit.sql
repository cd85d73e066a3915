-- Flap detection: a series of the rule that fires more than this many times in an hour
-- is flapping (announced once, its further flaps not sent). NULL: the default (4); 0: off.
ALTER TABLE rules ADD COLUMN flap_limit integer CHECK (flap_limit BETWEEN 0 AND 60);
