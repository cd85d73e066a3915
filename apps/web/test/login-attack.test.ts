import { randomBytes, scryptSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as login from '@/app/api/v1/auth/login/route';
import * as users from '@/app/api/v1/users/route';
import { hashSlotStats, MAX_CONCURRENT_HASHES, MAX_WAITING_HASHES } from '@/server/auth/password';
import { MAX_FAILURES_PER_ACCOUNT_AND_IP, MAX_FAILURES_PER_IP } from '@/server/auth/session-policy';
import { call, firstAdminCookie, type Handler, webDatastore } from './helpers';

const major = testMajors()[0] ?? 14;
const PASSWORD = 'violet-harbour-42';
const h = (fn: unknown) => fn as Handler;
const signIn = (username: string, password: string, peer: string) =>
  call(h(login.POST), { method: 'POST', peer, body: { username, password } });

/** Login under attack: counted before hashing, per (account, address), hashing bounded. */
describe(`sign-in under attack on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let cookie = '';
  beforeAll(async () => {
    ds = await webDatastore(major);
    cookie = await firstAdminCookie('admin', PASSWORD);
  });
  afterAll(() => ds.drop());

  it('50 parallel wrong passwords: at most the limit are evaluated; the admin elsewhere signs in', async () => {
    const attacker = '203.0.113.66';
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => signIn('admin', `wrong-guess-${i}`, attacker)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES_PER_ACCOUNT_AND_IP);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - MAX_FAILURES_PER_ACCOUNT_AND_IP);
    // every evaluated attempt has its row, written before the hash
    const rows = await ds.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM login_attempts WHERE username = 'admin' AND ip = $1`,
      [attacker],
    );
    expect(rows[0]!.n).toBe(MAX_FAILURES_PER_ACCOUNT_AND_IP);
    // the attacker's address is locked out of this account, even with the right password...
    expect((await signIn('admin', PASSWORD, attacker)).status).toBe(429);
    // ...but the real admin, elsewhere, is not
    expect((await signIn('admin', PASSWORD, '198.51.100.7')).status).toBe(200);
  });

  it('guessing across many account names from one address is limited per address', async () => {
    const attacker = '203.0.113.77';
    // its earlier failures across names (each would cost a hash to make), one short of the limit
    await ds.db.query(
      `INSERT INTO login_attempts (at, ip, username, succeeded)
       SELECT now(), $1, 'user-' || g, false FROM generate_series(1, $2) g`,
      [attacker, MAX_FAILURES_PER_IP - 1],
    );
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => signIn(`other-${i}`, 'wrong-password-x', attacker)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([401, 429, 429, 429, 429, 429]);
    expect((await signIn('admin', PASSWORD, attacker)).status).toBe(429);
  });

  it('at most a few hashes run at once; a flood beyond the queue is told to retry', async () => {
    const before = hashSlotStats().peak;
    // distinct addresses and names: every attempt passes the datastore gate and wants a hash
    const flood = MAX_CONCURRENT_HASHES + MAX_WAITING_HASHES + 4;
    const results = await Promise.all(
      Array.from({ length: flood }, (_, i) =>
        signIn(`nobody-${i}`, 'wrong-password-x', `192.0.2.${i + 1}`),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(
      MAX_CONCURRENT_HASHES + MAX_WAITING_HASHES,
    );
    expect(Math.max(before, hashSlotStats().peak)).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
    expect(hashSlotStats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('a hash made with older scrypt parameters is replaced at the next sign-in', async () => {
    const created = await call(h(users.POST), {
      method: 'POST',
      cookie,
      body: { username: 'legacy', password: PASSWORD, role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 2 ** 20 });
    const old = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')];
    await ds.db.query(`UPDATE users SET password_hash = $1 WHERE username = 'legacy'`, [
      old.join('$'),
    ]);
    expect((await signIn('legacy', PASSWORD, '198.51.100.8')).status).toBe(200);
    const [row] = await ds.db.query<{ password_hash: string }>(
      `SELECT password_hash FROM users WHERE username = 'legacy'`,
    );
    expect(row!.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await signIn('legacy', PASSWORD, '198.51.100.8')).status).toBe(200);
  });
});
