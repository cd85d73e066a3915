import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * AES-256-GCM for secrets at rest. Ciphertext format:
 *   pgv1.<key id>.<base64url(iv | tag | ciphertext)>
 * The key id lets old ciphertexts be opened with a previous key after a rotation.
 * `context` (e.g. "servers.password") is bound as associated data, so a ciphertext
 * copied into another column does not open.
 */
const VERSION = 'pgv1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export interface SecretBox {
  keyId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('pgvigil-key-id:').update(key).digest('hex').slice(0, 12);
}

/** Accepts 32 bytes as 64 hex characters or as base64. */
export function parseKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new SecretBoxError(
      `${origin} must be 32 random bytes, as 64 hex characters or base64 (for example the output of "openssl rand -base64 32").`,
    );
  }
  return key;
}

export function createSecretBox(primary: Buffer, previous: Buffer[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const key of [primary, ...previous]) keys.set(keyIdOf(key), key);
  const keyId = keyIdOf(primary);
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', primary, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const packed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
      return `${VERSION}.${keyId}.${packed}`;
    },
    open(sealed, context) {
      const [version, id, packed] = sealed.split('.');
      if (version !== VERSION || !id || !packed) {
        throw new SecretBoxError('Not a pgvigil secret (unknown format).');
      }
      const key = keys.get(id);
      if (!key) {
        throw new SecretBoxError(
          `This secret was sealed with key ${id}, which is not configured (current key: ${keyId}). ` +
            'Set PGVIGIL_SECRET_KEY to that key, or list it in PGVIGIL_SECRET_KEY_PREVIOUS after a rotation.',
        );
      }
      const raw = Buffer.from(packed, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('Secret is truncated.');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new SecretBoxError(
          'Secret failed authentication: it was tampered with or belongs to another field.',
        );
      }
    },
  };
}

export interface KeySource {
  /** PGVIGIL_SECRET_KEY, if set */
  key?: string | undefined;
  /** PGVIGIL_SECRET_KEY_PREVIOUS, comma-separated */
  previous?: string | undefined;
  /** PGVIGIL_HOME: where a generated key is kept */
  home: string;
}

/** The configured key, or the one generated once into $PGVIGIL_HOME/secret.key (mode 0600). */
export async function loadSecretBox(source: KeySource): Promise<SecretBox> {
  const previous = (source.previous ?? '')
    .split(',')
    .filter((k) => k.trim())
    .map((k, i) => parseKey(k, `PGVIGIL_SECRET_KEY_PREVIOUS entry ${i + 1}`));
  if (source.key) return createSecretBox(parseKey(source.key, 'PGVIGIL_SECRET_KEY'), previous);
  const file = path.join(source.home, 'secret.key');
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (existing !== null) return createSecretBox(parseKey(existing, file), previous);
  await mkdir(source.home, { recursive: true });
  const generated = randomBytes(32).toString('base64');
  try {
    // 'wx': when two processes race, exactly one writes and the other reads its key.
    await writeFile(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return createSecretBox(parseKey(await readFile(file, 'utf8'), file), previous);
  }
  return createSecretBox(parseKey(generated, file), previous);
}
