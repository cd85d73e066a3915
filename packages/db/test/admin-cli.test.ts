import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, resealSecrets, SEALED_COLUMNS } from '@pgvigil/db';
import {
  createApiToken,
  createSession,
  createUser,
  findSession,
  findUserByUsername,
  recordLoginAttempt,
  redeemApiToken,
  verifyPassword,
} from '@pgvigil/db/accounts';
import { createChannel, getChannelWithSecret } from '@pgvigil/db/alerting';
import {
  createServer,
  ensureInstallationSshKey,
  getServerConnection,
  readInstallationSshKey,
} from '@pgvigil/db/registry';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { pgvigil } from './cli';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const major = testMajors()[0] ?? 14;

describe(`the admin CLI on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let home: string;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    home = path.join(ROOT, 'node_modules', '.cache', `pgvigil-cli-${process.pid}`);
  });
  afterAll(() => ds.drop());

  it('resets a lost admin password: the new one works, old sessions, tokens and lockout are gone', async () => {
    const at = new Date();
    const admin = await createUser(ds.db, {
      username: 'root',
      passwordHash: 'scrypt$lost',
      role: 'admin',
    });
    await createSession(ds.db, {
      idHash: 'old-session',
      userId: admin.id,
      at,
      expiresAt: new Date(at.getTime() + 3600_000),
      ip: null,
      userAgent: null,
    });
    await createApiToken(ds.db, {
      userId: admin.id,
      name: 'old',
      prefix: 'pgv_old',
      tokenHash: 'h'.repeat(64),
      expiresAt: new Date(at.getTime() + 3600_000),
    });
    for (let i = 0; i < 5; i++)
      await recordLoginAttempt(ds.db, { at, ip: '10.0.0.9', username: 'root', succeeded: false });

    const run = await pgvigil(
      ['user', 'reset-password', 'root', '--password-stdin'],
      { DATABASE_URL: ds.url, PGVIGIL_HOME: home },
      'quiet-lantern-harbour-77\n',
    );
    expect(run.out).toContain('reset the password of "root"');
    expect(run.code).toBe(0);
    const stored = await findUserByUsername(ds.db, 'root');
    expect(await verifyPassword('quiet-lantern-harbour-77', stored!.passwordHash!)).toBe(true);
    expect(await findSession(ds.db, 'old-session', new Date())).toBeNull();
    expect(await redeemApiToken(ds.db, 'h'.repeat(64), new Date())).toBeNull();
    const [attempts] = await ds.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM login_attempts WHERE username = 'root' AND NOT succeeded",
    );
    expect(attempts?.n).toBe(0);
    // a weak password is refused and changes nothing
    const weak = await pgvigil(
      ['user', 'reset-password', 'root', '--password-stdin'],
      { DATABASE_URL: ds.url, PGVIGIL_HOME: home },
      'password1234',
    );
    expect(weak.code).toBe(1);
    expect(
      await verifyPassword(
        'quiet-lantern-harbour-77',
        (await findUserByUsername(ds.db, 'root'))!.passwordHash!,
      ),
    ).toBe(true);
  });

  it('lists every sealed column of the datastore for key rotation', async () => {
    const columns = await ds.db.query<{ name: string }>(
      `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name LIKE '%\\_enc' ORDER BY 1`,
    );
    expect(columns.map((c) => c.name)).toEqual(
      SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort(),
    );
  });

  it('rotates the secret key on a running install: every stored secret stays readable', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const before = createSecretBox(oldKey);
    const server = await createServer(ds.db, before, {
      name: 'orders',
      host: 'db.internal',
      port: 5432,
      dbname: 'orders',
      username: 'monitor',
      password: 'server-password-1',
      sslKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
    });
    const channel = await createChannel(ds.db, {
      name: 'ops',
      type: 'webhook',
      config: {},
      secretEnc: before.seal(
        JSON.stringify({ url: 'https://hooks.example/secret' }),
        'channels.secret',
      ),
    });
    // behind a bastion: an uploaded key with its passphrase, and pgvigil's own key pair
    const bastioned = await createServer(ds.db, before, {
      name: 'billing',
      host: '10.0.0.5',
      port: 5432,
      dbname: 'billing',
      username: 'monitor',
      ssh: {
        host: 'bastion.internal',
        username: 'jump',
        privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n-----END OPENSSH PRIVATE KEY-----',
        passphrase: 'ssh-passphrase-1',
      },
    });
    await ensureInstallationSshKey(ds.db, before, () => ({
      privateKey: 'installation-private-key',
      publicKey: 'ssh-ed25519 AAAA pgvigil',
    }));
    // the running apps were restarted with the new key and the old one as previous
    const running = createSecretBox(newKey, [oldKey]);
    const run = await pgvigil(['key', 'rotate'], {
      DATABASE_URL: ds.url,
      PGVIGIL_HOME: home,
      PGVIGIL_SECRET_KEY: newKey.toString('hex'),
      PGVIGIL_SECRET_KEY_PREVIOUS: oldKey.toString('hex'),
    });
    expect(run.out).toContain('every secret is now under key');
    expect(run.code).toBe(0);
    // the running apps read everything, and so does a restart with the new key alone
    for (const box of [running, createSecretBox(newKey)]) {
      const conn = await getServerConnection(ds.db, box, server.id);
      expect(conn.password).toBe('server-password-1');
      expect(conn.sslKey).toContain('abc');
      const viaSsh = await getServerConnection(ds.db, box, bastioned.id);
      expect(viaSsh.ssh).toMatchObject({ passphrase: 'ssh-passphrase-1' });
      expect(viaSsh.ssh?.privateKey).toContain('xyz');
      expect(await readInstallationSshKey(ds.db, box)).toBe('installation-private-key');
      const c = await getChannelWithSecret(ds.db, channel.id);
      expect(JSON.parse(box.open(c.secret_enc!, 'channels.secret'))).toEqual({
        url: 'https://hooks.example/secret',
      });
    }
    // the old key alone opens nothing any more
    await expect(getServerConnection(ds.db, createSecretBox(oldKey), server.id)).rejects.toThrow();
    // a second run has nothing left to do
    expect(Object.values(await resealSecrets(ds.db, running)).every((c) => c.resealed === 0)).toBe(
      true,
    );

    const doctor = await pgvigil(['doctor'], {
      DATABASE_URL: ds.url,
      PGVIGIL_HOME: home,
      PGVIGIL_SECRET_KEY: newKey.toString('hex'),
      PORT: '1',
    });
    expect(doctor.out).toMatch(/ok {4}every stored secret opens with key/);
    expect(doctor.out).toMatch(/ok {4}datastore schema is current/);
    expect(doctor.code).toBe(0);
  });
});
