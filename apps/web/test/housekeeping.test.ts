import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, recordLoginAttempt } from '@pgvigil/db/accounts';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { createPruner, LOGIN_ATTEMPTS_KEPT_MS, PRUNE_EVERY_MS } from '@/server/auth/housekeeping';

const major = testMajors()[0] ?? 14;
const T0 = new Date('2026-03-01T12:00:00Z');
const plus = (ms: number) => new Date(T0.getTime() + ms);

describe(`account housekeeping on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let userId = 0;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    const rows = await ds.db.query<{ id: number }>(
      `INSERT INTO users (username, password_hash, role) VALUES ('ann', 'x', 'admin') RETURNING id::int`,
    );
    userId = rows[0]?.id ?? 0;
  });
  afterAll(() => ds.drop());

  const session = (idHash: string, expiresAt: Date) =>
    createSession(ds.db, { idHash, userId, at: T0, expiresAt, ip: null, userAgent: null });
  const sessionIds = async () =>
    (await ds.db.query<{ id: string }>('SELECT id FROM sessions ORDER BY id')).map((r) => r.id);

  it('prunes at most once per interval, keeping live sessions and recent attempts', async () => {
    const prune = createPruner();
    await session('live', plus(3600_000));
    await session('expired-1', plus(-1));
    const attempt = (at: Date) =>
      recordLoginAttempt(ds.db, { at, ip: 'direct', username: 'ann', succeeded: false });
    await attempt(plus(-LOGIN_ATTEMPTS_KEPT_MS - 1));
    await attempt(plus(-60_000));

    expect(await prune(ds.db, T0)).toBe(true);
    expect(await sessionIds()).toEqual(['live']);
    expect(await ds.db.query('SELECT 1 FROM login_attempts')).toHaveLength(1);

    await session('expired-2', plus(-1));
    expect(await prune(ds.db, plus(PRUNE_EVERY_MS - 1))).toBe(false);
    expect(await sessionIds()).toEqual(['expired-2', 'live']);
    expect(await prune(ds.db, plus(PRUNE_EVERY_MS))).toBe(true);
    expect(await sessionIds()).toEqual(['live']);
  });
});
