-- The last time a rule could not be evaluated (a read that failed or ran past its
-- budget), and why: shown on the Rules page; cleared by the next good cycle.
ALTER TABLE rules
  ADD COLUMN last_error text,
  ADD COLUMN last_error_at timestamptz;
