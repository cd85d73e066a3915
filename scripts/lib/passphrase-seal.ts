// Secrets of an exported configuration, sealed to a passphrase: scrypt derives a
// 256-bit key from it (a fresh salt per document), AES-256-GCM encrypts and
// authenticates. Only node:crypto; a wrong passphrase fails the GCM tag check.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';

/** scrypt cost: 2^17 x 8 x 1 (128 MiB, ~0.3 s here); stored, so it can be raised later. */
const COST = { N: 2 ** 17, r: 8, p: 1 } as const;
const AAD = Buffer.from('pgvigil-config-secrets-v1');

export const sealedSchema = z.strictObject({
  kdf: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(2 ** 14)
    .max(2 ** 20),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  cipher: z.literal('aes-256-gcm'),
  salt: z.base64(),
  iv: z.base64(),
  tag: z.base64(),
  data: z.base64(),
});
export type Sealed = z.output<typeof sealedSchema>;

function deriveKey(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(
      passphrase.normalize('NFC'),
      salt,
      32,
      { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

export async function sealToPassphrase(plaintext: string, passphrase: string): Promise<Sealed> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(passphrase, salt, COST);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    kdf: 'scrypt',
    ...COST,
    cipher: 'aes-256-gcm',
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

export class WrongPassphraseError extends Error {}

export async function openWithPassphrase(sealed: Sealed, passphrase: string): Promise<string> {
  const key = await deriveKey(passphrase, Buffer.from(sealed.salt, 'base64'), sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(AAD);
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.data, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new WrongPassphraseError(
      'The passphrase does not open the secrets of this file (wrong passphrase, or the file was altered).',
    );
  }
}
