import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { ssh2Module } from './ssh2-lazy';

/** An SSH key pair in OpenSSH text form. */
export interface SshKeyPair {
  privateKey: string;
  /** one authorized_keys line: `ssh-ed25519 AAAA... pgvigil` */
  publicKey: string;
}

/**
 * The installation key pair: Ed25519, made once per installation by the datastore's owner.
 * Node's crypto makes the key and pgvigil writes the OpenSSH form itself: ssh2's own generator
 * drops a leading zero byte of the public key (about one key in 450), so the key it writes
 * does not parse.
 */
export function generateSshKeyPair(comment = 'pgvigil'): SshKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  return openSshEd25519(seed, pub, comment);
}

/** An Ed25519 key in the `openssh-key-v1` format (unencrypted) and its authorized_keys line. */
export function openSshEd25519(seed: Buffer, pub: Buffer, comment: string): SshKeyPair {
  if (seed.length !== 32 || pub.length !== 32) throw new Error('an Ed25519 key has 32 bytes');
  const str = (b: Buffer | string) => {
    const data = typeof b === 'string' ? Buffer.from(b) : b;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, data]);
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const blob = Buffer.concat([str('ssh-ed25519'), str(pub)]);
  const check = randomBytes(4).readUInt32BE();
  const body = [u32(check), u32(check), blob, str(Buffer.concat([seed, pub])), str(comment)];
  let secret = Buffer.concat(body);
  // pad to the cipher block size (8 for "none") with 1, 2, 3, ...
  const pad = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const whole = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    str('none'),
    str('none'),
    str(''),
    u32(1),
    str(blob),
    str(secret),
  ]);
  const lines = whole.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      ...lines,
      '-----END OPENSSH PRIVATE KEY-----',
      '',
    ].join('\n'),
    publicKey: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
  };
}

/** OpenSSH's fingerprint of a public key blob: `SHA256:` and unpadded base64. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export interface ParsedSshKey {
  /** `SHA256:...` of the public half */
  fingerprint: string;
  /** the line for ~/.ssh/authorized_keys on the bastion */
  authorizedKeysLine: string;
}

/**
 * The public facts of a private key (OpenSSH or PEM), or null when it does not parse:
 * not a key, or encrypted and the passphrase is missing or wrong.
 */
export function describePrivateKey(privateKey: string, passphrase?: string): ParsedSshKey | null {
  const parsed = ssh2Module().utils.parseKey(privateKey, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return null;
  const blob = key.getPublicSSH();
  return {
    fingerprint: fingerprintOf(blob),
    authorizedKeysLine: `${key.type} ${blob.toString('base64')} pgvigil`,
  };
}
