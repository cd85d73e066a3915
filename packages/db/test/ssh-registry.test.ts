import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, ValidationError } from '@pgvigil/db';
import {
  clearSshHostKey,
  createServer,
  ensureInstallationSshKey,
  exportRegistry,
  getServer,
  getServerConnection,
  pinSshHostKey,
  updateServer,
} from '@pgvigil/db/registry';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const box = createSecretBox(randomBytes(32));
const UPLOADED =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nc3NoLXNlY3JldA==\n-----END OPENSSH PRIVATE KEY-----\n';
const PAIR = {
  privateKey:
    '-----BEGIN OPENSSH PRIVATE KEY-----\naW5zdGFsbGF0aW9u\n-----END OPENSSH PRIVATE KEY-----\n',
  publicKey: 'ssh-ed25519 AAAAinstallation pgvigil',
};
const major = testMajors()[testMajors().length - 1] ?? 18;

describe('SSH bastions in the server registry', () => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
  });
  afterAll(() => ds.drop());

  it('makes the installation key once and hands it to servers without their own', async () => {
    const make = () => PAIR;
    const [a, b] = await Promise.all([
      ensureInstallationSshKey(ds.db, box, make),
      ensureInstallationSshKey(ds.db, box, make),
    ]);
    expect(a).toBe(PAIR.publicKey);
    expect(b).toBe(PAIR.publicKey);
    // a third call finds the stored pair and never makes one
    expect(
      await ensureInstallationSshKey(ds.db, box, () => {
        throw new Error('made again');
      }),
    ).toBe(PAIR.publicKey);
    const raw = await ds.db.query<{ private_key_enc: string }>(
      'SELECT private_key_enc FROM ssh_installation_key',
    );
    expect(raw).toHaveLength(1);
    expect(raw[0]?.private_key_enc).toMatch(/^pgv1\./);
    const s = await createServer(ds.db, box, {
      name: 'via-installation-key',
      host: '10.0.0.5',
      username: 'pgvigil',
      ssh: { host: 'bastion.example', username: 'tunnel' },
    });
    expect(s.ssh).toEqual({
      host: 'bastion.example',
      port: 22,
      username: 'tunnel',
      hasPrivateKey: false,
      hostKey: null,
    });
    expect((await getServerConnection(ds.db, box, s.id)).ssh).toEqual({
      host: 'bastion.example',
      port: 22,
      username: 'tunnel',
      privateKey: PAIR.privateKey,
    });
  });

  it('seals an uploaded key, never shows it, and pins the host key on first use', async () => {
    const s = await createServer(ds.db, box, {
      name: 'via-uploaded-key',
      host: '10.0.0.6',
      username: 'pgvigil',
      password: 'secret',
      ssh: {
        host: 'bastion.example',
        port: 2222,
        username: 'tunnel',
        privateKey: UPLOADED,
        passphrase: 'pp',
      },
    });
    expect(JSON.stringify(s)).not.toContain('c3NoLXNlY3JldA');
    expect(JSON.stringify(await exportRegistry(ds.db))).not.toContain('c3NoLXNlY3JldA');
    expect(s.ssh?.hasPrivateKey).toBe(true);
    expect(await pinSshHostKey(ds.db, s.id, 'SHA256:first')).toBe('SHA256:first');
    // a later, different key does not replace the pinned one
    expect(await pinSshHostKey(ds.db, s.id, 'SHA256:second')).toBe('SHA256:first');
    expect((await getServerConnection(ds.db, box, s.id)).ssh).toEqual({
      host: 'bastion.example',
      port: 2222,
      username: 'tunnel',
      privateKey: UPLOADED,
      passphrase: 'pp',
      hostKey: 'SHA256:first',
    });
    // the same bastion with another user keeps key and pin
    await updateServer(ds.db, box, s.id, {
      ssh: { host: 'bastion.example', port: 2222, username: 'other' },
    });
    expect((await getServer(ds.db, s.id)).ssh).toMatchObject({
      hasPrivateKey: true,
      hostKey: 'SHA256:first',
    });
    await clearSshHostKey(ds.db, s.id);
    expect((await getServer(ds.db, s.id)).ssh?.hostKey).toBeNull();
  });

  it('a new bastion needs the stored secrets again and drops the pinned host key', async () => {
    const s = await createServer(ds.db, box, {
      name: 'moving',
      host: '10.0.0.7',
      username: 'pgvigil',
      password: 'secret',
      ssh: { host: 'old-bastion', username: 'tunnel', privateKey: UPLOADED },
    });
    await pinSshHostKey(ds.db, s.id, 'SHA256:old');
    const moved = updateServer(ds.db, box, s.id, {
      ssh: { host: 'new-bastion', username: 'tunnel' },
    });
    await expect(moved).rejects.toBeInstanceOf(ValidationError);
    await expect(moved).rejects.toMatchObject({
      fields: { password: expect.any(String), 'ssh.privateKey': expect.any(String) },
    });
    const after = await updateServer(ds.db, box, s.id, {
      password: 'secret',
      ssh: { host: 'new-bastion', username: 'tunnel', privateKey: null },
    });
    expect(after.ssh).toEqual({
      host: 'new-bastion',
      port: 22,
      username: 'tunnel',
      hasPrivateKey: false,
      hostKey: null,
    });
    const direct = await updateServer(ds.db, box, s.id, { password: 'secret', ssh: null });
    expect(direct.ssh).toBeNull();
  });

  it('replaces a stored installation key that does not parse, once', async () => {
    const fresh = {
      privateKey: PAIR.privateKey.replace('aW5zdGFsbGF0aW9u', 'cmVwYWlyZWQ='),
      publicKey: 'ssh-ed25519 AAAArepaired pgvigil',
    };
    const usable = (key: string) => key !== PAIR.privateKey;
    const [a, b] = await Promise.all([
      ensureInstallationSshKey(ds.db, box, () => fresh, usable),
      ensureInstallationSshKey(ds.db, box, () => fresh, usable),
    ]);
    expect([a, b]).toEqual([fresh.publicKey, fresh.publicKey]);
    const [via] = await ds.db.query<{ id: number }>(
      "SELECT id FROM servers WHERE name = 'via-installation-key'",
    );
    expect((await getServerConnection(ds.db, box, via!.id)).ssh?.privateKey).toBe(fresh.privateKey);
    expect(
      await ensureInstallationSshKey(
        ds.db,
        box,
        () => {
          throw new Error('made again');
        },
        usable,
      ),
    ).toBe(fresh.publicKey);
  });
});
