-- SSH tunnels: a server may be reached through a bastion. The uploaded private key
-- and its passphrase are sealed like every other secret; without one, the
-- installation key pair below is used. ssh_host_key is the bastion's host key
-- fingerprint (SHA256:...), pinned by the first successful connection.
ALTER TABLE servers
  ADD COLUMN ssh_host text CHECK (length(ssh_host) BETWEEN 1 AND 255),
  ADD COLUMN ssh_port integer CHECK (ssh_port BETWEEN 1 AND 65535),
  ADD COLUMN ssh_username text CHECK (length(ssh_username) BETWEEN 1 AND 100),
  ADD COLUMN ssh_private_key_enc text,
  ADD COLUMN ssh_passphrase_enc text,
  ADD COLUMN ssh_host_key text,
  ADD CONSTRAINT servers_ssh_complete CHECK (
    (ssh_host IS NULL) = (ssh_port IS NULL) AND (ssh_host IS NULL) = (ssh_username IS NULL)
    AND (ssh_host IS NOT NULL OR (ssh_private_key_enc IS NULL AND ssh_host_key IS NULL))
  );

-- The installation's own Ed25519 key pair, made once: the public half is shown to
-- admins to put in authorized_keys on their bastions.
CREATE TABLE ssh_installation_key (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  private_key_enc text NOT NULL,
  public_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- How the collector reached the server (an SSH bastion), shown with its status.
ALTER TABLE server_status ADD COLUMN via text;
