-- Every API token expires, and may be limited to reading. Tokens made before this
-- had no expiry: they get the default lifetime from now, so no script breaks today.
ALTER TABLE api_tokens
  ADD COLUMN scope text NOT NULL DEFAULT 'full' CHECK (scope IN ('full', 'read'));
UPDATE api_tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL;
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
