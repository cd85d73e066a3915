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
 * A stored key that `usable` refuses is replaced: it could never have opened a bastion
 * (ssh2's generator, used before, wrote about one key in 450 that does not parse).
 */
export async function ensureInstallationSshKey(
  q: Queryable,
  box: SecretBox,
  make: () => InstallationKeyPair,
  usable: (privateKey: string) => boolean = () => true,
): Promise<string> {
  const found = await q.query<{ public_key: string; private_key_enc: string }>(
    'SELECT public_key, private_key_enc FROM ssh_installation_key',
  );
  const row = found[0];
  if (row && usable(box.open(row.private_key_enc, CONTEXT))) return row.public_key;
  const pair = make();
  const sealed = box.seal(pair.privateKey, CONTEXT);
  if (row) {
    // replace only the unusable key read above; a racing caller's repair wins
    await q.query(
      `UPDATE ssh_installation_key SET private_key_enc = $1, public_key = $2
        WHERE private_key_enc = $3`,
      [sealed, pair.publicKey, row.private_key_enc],
    );
  } else {
    await q.query(
      `INSERT INTO ssh_installation_key (private_key_enc, public_key) VALUES ($1, $2)
       ON CONFLICT (singleton) DO NOTHING`,
      [sealed, pair.publicKey],
    );
  }
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
