import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, loadSecretBox, parseKey, SecretBoxError } from '@pgvigil/db';

const key = randomBytes(32);
const box = createSecretBox(key);
const awkward = 'p@ss [w]/o?r#d "\\ + &:% ünïcödé';

describe('secret box', () => {
  it('round-trips any text, including awkward passwords', () => {
    expect(box.open(box.seal(awkward, 'servers.password'), 'servers.password')).toBe(awkward);
    expect(box.open(box.seal('', 'x'), 'x')).toBe('');
  });

  it('produces a different ciphertext each time and never contains the plaintext', () => {
    const a = box.seal(awkward, 'servers.password');
    const b = box.seal(awkward, 'servers.password');
    expect(a).not.toBe(b);
    expect(a).not.toContain('ss [w]');
    expect(a.startsWith(`pgv1.${box.keyId}.`)).toBe(true);
  });

  it('detects tampering with the ciphertext', () => {
    const sealed = box.seal('secret', 'servers.password');
    const packed = Buffer.from(sealed.split('.')[2]!, 'base64url');
    packed[packed.length - 1]! ^= 0x01;
    const tampered = `pgv1.${box.keyId}.${packed.toString('base64url')}`;
    expect(() => box.open(tampered, 'servers.password')).toThrow(/tampered/);
    expect(() => box.open(sealed.slice(0, 20), 'servers.password')).toThrow(SecretBoxError);
    expect(() => box.open('plain text', 'servers.password')).toThrow(/unknown format/);
  });

  it('does not open a secret moved to another field', () => {
    const sealed = box.seal('secret', 'servers.password');
    expect(() => box.open(sealed, 'channels.secret')).toThrow(/another field/);
  });

  it('rejects a wrong key with a message naming both key ids', () => {
    const other = createSecretBox(randomBytes(32));
    const sealed = box.seal('secret', 'ctx');
    expect(() => other.open(sealed, 'ctx')).toThrow(
      new RegExp(`sealed with key ${box.keyId}.*PGVIGIL_SECRET_KEY`),
    );
  });

  it('opens old secrets with a previous key after rotation, sealing new ones with the new key', () => {
    const sealedBefore = box.seal('secret', 'ctx');
    const rotated = createSecretBox(randomBytes(32), [key]);
    expect(rotated.open(sealedBefore, 'ctx')).toBe('secret');
    expect(rotated.seal('x', 'ctx').split('.')[1]).toBe(rotated.keyId);
  });

  it('explains how to make a valid key', () => {
    expect(() => parseKey('too-short', 'PGVIGIL_SECRET_KEY')).toThrow(
      /32 random bytes.*openssl rand -base64 32/,
    );
    expect(parseKey(key.toString('hex'), 'k')).toEqual(key);
    expect(parseKey(key.toString('base64'), 'k')).toEqual(key);
  });

  it('generates a key once into $PGVIGIL_HOME/secret.key with mode 0600 and reuses it', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-key-'));
    const [a, b] = await Promise.all([loadSecretBox({ home }), loadSecretBox({ home })]);
    expect(a.keyId).toBe(b.keyId);
    const file = path.join(home, 'secret.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await loadSecretBox({ home });
    expect(again.open(a.seal('v', 'c'), 'c')).toBe('v');
    expect((await readFile(file, 'utf8')).trim()).toHaveLength(44);
  });

  it('prefers PGVIGIL_SECRET_KEY over the generated file', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-key-'));
    const configured = await loadSecretBox({ home, key: key.toString('base64') });
    expect(configured.keyId).toBe(box.keyId);
  });
});
