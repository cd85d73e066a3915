-- Single sign-on: users may come from an OpenID Connect provider or an authenticating
-- proxy. They have no pgvigil password (NULL never verifies) and are found again by the
-- provider's stable subject, not by a user name the provider may reuse.
ALTER TABLE users
  ALTER COLUMN password_hash DROP NOT NULL,
  ADD COLUMN auth_source text NOT NULL DEFAULT 'local' CHECK (auth_source IN ('local', 'oidc', 'proxy')),
  ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 500),
  ADD CONSTRAINT users_external_id_source_check CHECK ((auth_source = 'local') = (external_id IS NULL));
CREATE UNIQUE INDEX users_external_id_key ON users (auth_source, external_id) WHERE external_id IS NOT NULL;

-- how a session was started: an OIDC session's sign-out also ends the provider's
ALTER TABLE sessions
  ADD COLUMN auth_source text NOT NULL DEFAULT 'local' CHECK (auth_source IN ('local', 'oidc', 'proxy'));

-- An OIDC sign-in between the redirect to the provider and its return: the state is
-- stored hashed (the browser holds it in a cookie too), used once, and short-lived.
CREATE TABLE oidc_flows (
  state_hash text PRIMARY KEY,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  next_path text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX oidc_flows_expires_at_idx ON oidc_flows (expires_at);
