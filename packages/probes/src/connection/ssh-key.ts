import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

/** An SSH key pair in OpenSSH text form. */
export interface SshKeyPair {
  privateKey: string;
  /** one authorized_keys line: `ssh-ed25519 AAAA... pgvigil` */
  publicKey: string;
}

/** The installation key pair: Ed25519, made once per installation by the datastore's owner. */
export function generateSshKeyPair(comment = 'pgvigil'): SshKeyPair {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, publicKey: pair.public.trim() };
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
  const parsed = ssh2.utils.parseKey(privateKey, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return null;
  const blob = key.getPublicSSH();
  return {
    fingerprint: fingerprintOf(blob),
    authorizedKeysLine: `${key.type} ${blob.toString('base64')} pgvigil`,
  };
}
