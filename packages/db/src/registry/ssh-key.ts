import type { Queryable } from '../client';
import type { SecretBox } from '../secret-box';

const CONTEXT = 'ssh_installation_key.private_key';

export interface InstallationKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * The installation's SSH key pair, made by `make` the first time it is asked for and
 * never again (two callers racing keep the first one stored). Returns the public half.
 */
export async function ensureInstallationSshKey(
  q: Queryable,
  box: SecretBox,
  make: () => InstallationKeyPair,
): Promise<string> {
  const found = await q.query<{ public_key: string }>(
    'SELECT public_key FROM ssh_installation_key',
  );
  if (found[0]) return found[0].public_key;
  const pair = make();
  await q.query(
    `INSERT INTO ssh_installation_key (private_key_enc, public_key) VALUES ($1, $2)
     ON CONFLICT (singleton) DO NOTHING`,
    [box.seal(pair.privateKey, CONTEXT), pair.publicKey],
  );
  const stored = await q.query<{ public_key: string }>(
    'SELECT public_key FROM ssh_installation_key',
  );
  return stored[0]?.public_key ?? pair.publicKey;
}

/** The installation's private key, opened; null until one was made. */
export async function readInstallationSshKey(q: Queryable, box: SecretBox): Promise<string | null> {
  const rows = await q.query<{ private_key_enc: string }>(
    'SELECT private_key_enc FROM ssh_installation_key',
  );
  return rows[0] ? box.open(rows[0].private_key_enc, CONTEXT) : null;
}
