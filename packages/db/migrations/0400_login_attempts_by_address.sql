-- Sign-in attempts are counted per (account, address) and per address, before any
-- password is hashed: one index serves both counts.
CREATE INDEX login_attempts_ip_at_idx ON login_attempts (ip, at);
