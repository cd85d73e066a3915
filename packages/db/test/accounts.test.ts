import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '@pgvigil/db';
import {
  countFailedLogins,
  createApiToken,
  createFirstAdmin,
  createSession,
  createUser,
  deleteUser,
  findSession,
  listAudit,
  recordAudit,
  recordLoginAttempt,
  revokeApiToken,
  signInExternalUser,
  updateUser,
  redeemApiToken,
} from '@pgvigil/db/accounts';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const at = new Date('2026-03-10T12:00:00Z');
const later = (ms: number) => new Date(at.getTime() + ms);

describe.each(testMajors())('accounts on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
  });
  afterAll(() => ds.drop());

  it('creates exactly one first admin however many setups race', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        createFirstAdmin(ds.db, { username: `admin${i}`, passwordHash: 'h' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.every((r) => r.reason instanceof ConflictError)).toBe(true);
  });

  it('never leaves the fleet without an enabled admin', async () => {
    const rows = await ds.db.query<{ id: number }>("SELECT id FROM users WHERE role = 'admin'");
    const adminId = rows[0]?.id ?? 0;
    await expect(updateUser(ds.db, adminId, { role: 'viewer' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(deleteUser(ds.db, adminId)).rejects.toBeInstanceOf(ConflictError);
    const second = await createUser(ds.db, {
      username: 'second',
      passwordHash: 'h',
      role: 'admin',
    });
    expect((await updateUser(ds.db, adminId, { role: 'editor' })).role).toBe('editor');
    await expect(updateUser(ds.db, second.id, { disabled: true })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('gives no password to a single-sign-on user (found on main: an admin could)', async () => {
    const { user } = await signInExternalUser(ds.db, {
      source: 'oidc',
      externalId: 'sub-sso-1',
      username: 'sso-reader',
      role: 'viewer',
    });
    await expect(updateUser(ds.db, user.id, { passwordHash: 'h' })).rejects.toThrow(
      /signs in through single sign-on/,
    );
    const [row] = await ds.db.query<{ hash: string | null }>(
      'SELECT password_hash AS hash FROM users WHERE id = $1',
      [user.id],
    );
    expect(row?.hash).toBeNull();
    expect((await updateUser(ds.db, user.id, { disabled: true })).disabled).toBe(true);
  });

  it('sessions expire at their time and stop working when the user is disabled', async () => {
    const user = await createUser(ds.db, { username: 'sess', passwordHash: 'h', role: 'viewer' });
    await createSession(ds.db, {
      idHash: 'a'.repeat(64),
      userId: user.id,
      at,
      expiresAt: later(60_000),
      ip: '10.0.0.1',
      userAgent: null,
    });
    expect((await findSession(ds.db, 'a'.repeat(64), later(59_000)))?.user.username).toBe('sess');
    expect(await findSession(ds.db, 'a'.repeat(64), later(60_000))).toBeNull();
    await updateUser(ds.db, user.id, { disabled: true });
    expect(await findSession(ds.db, 'a'.repeat(64), later(1))).toBeNull();
  });

  it('tokens work until revoked or expired, and only their owner may revoke them', async () => {
    const user = await createUser(ds.db, { username: 'tok', passwordHash: 'h', role: 'editor' });
    const other = await createUser(ds.db, { username: 'tok2', passwordHash: 'h', role: 'viewer' });
    const t = await createApiToken(ds.db, {
      userId: user.id,
      name: 'ci',
      prefix: 'pgv_abcd',
      tokenHash: 'b'.repeat(64),
      expiresAt: later(3_600_000),
    });
    expect((await redeemApiToken(ds.db, 'b'.repeat(64), at))?.user.role).toBe('editor');
    expect(await redeemApiToken(ds.db, 'b'.repeat(64), later(3_600_000))).toBeNull();
    await expect(revokeApiToken(ds.db, other.id, t.id, at)).rejects.toThrow(/not found/);
    await revokeApiToken(ds.db, user.id, t.id, at);
    expect(await redeemApiToken(ds.db, 'b'.repeat(64), later(1))).toBeNull();
  });

  it('counts failed logins per address and per account name', async () => {
    for (let i = 0; i < 3; i++)
      await recordLoginAttempt(ds.db, {
        at: later(i),
        ip: '10.1.1.1',
        username: 'Victim',
        succeeded: false,
      });
    await recordLoginAttempt(ds.db, {
      at: later(5),
      ip: '10.9.9.9',
      username: 'victim',
      succeeded: false,
    });
    expect(
      await countFailedLogins(ds.db, { ip: '10.1.1.1', username: 'victim', since: at }),
    ).toEqual({ byIp: 2, byUser: 3 });
  });

  it('keeps an audit trail newest first', async () => {
    await recordAudit(ds.db, {
      at,
      actorUserId: null,
      actor: 'system',
      action: 'a.first',
      targetType: 't',
    });
    await recordAudit(ds.db, {
      at: later(1),
      actorUserId: null,
      actor: 'system',
      action: 'a.second',
      targetType: 't',
      targetId: 7,
      details: { field: 'name' },
    });
    const entries = await listAudit(ds.db, { limit: 2 });
    expect(entries.map((e) => e.action)).toEqual(['a.second', 'a.first']);
    expect(entries[0]).toMatchObject({ targetId: '7', details: { field: 'name' } });
  });
});
