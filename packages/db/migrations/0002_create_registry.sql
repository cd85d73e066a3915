-- The monitored fleet: clusters, servers and per-scope probe settings.
CREATE TABLE clusters (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '',
  environment text NOT NULL DEFAULT 'production'
    CHECK (environment IN ('production', 'staging', 'development', 'custom')),
  tags text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX clusters_name_key ON clusters (lower(name));

CREATE TABLE servers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  cluster_id bigint REFERENCES clusters ON DELETE SET NULL,
  description text NOT NULL DEFAULT '',
  environment text NOT NULL DEFAULT 'production'
    CHECK (environment IN ('production', 'staging', 'development', 'custom')),
  tags text[] NOT NULL DEFAULT '{}',
  host text NOT NULL,
  port integer NOT NULL DEFAULT 5432 CHECK (port BETWEEN 1 AND 65535),
  dbname text NOT NULL DEFAULT 'postgres',
  username text NOT NULL,
  -- secret-box ciphertexts; never returned by the API
  password_enc text,
  sslmode text NOT NULL DEFAULT 'prefer'
    CHECK (sslmode IN ('disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full')),
  ssl_root_cert text,
  ssl_cert text,
  ssl_key_enc text,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX servers_name_key ON servers (lower(name));
CREATE INDEX servers_cluster_id_idx ON servers (cluster_id);

CREATE TABLE probe_settings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  probe text NOT NULL,
  scope_type text NOT NULL CHECK (scope_type IN ('global', 'cluster', 'server')),
  scope_id bigint,
  enabled boolean,
  interval_seconds integer CHECK (interval_seconds BETWEEN 5 AND 86400),
  retention_days integer CHECK (retention_days BETWEEN 1 AND 3650),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope_type = 'global') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX probe_settings_scope_key ON probe_settings (probe, scope_type, coalesce(scope_id, 0));
