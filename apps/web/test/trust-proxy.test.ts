import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as audit from '@/app/api/v1/audit/route';
import * as login from '@/app/api/v1/auth/login/route';
import * as me from '@/app/api/v1/auth/me/route';
import * as setup from '@/app/api/v1/setup/route';
import { MAX_FAILURES_PER_IP } from '@/server/auth/session-policy';
import { call, sessionCookie, webDatastore, type Handler } from './helpers';

// Its own file: the web env is read once per module graph, and here it trusts a proxy.
const major = testMajors()[0] ?? 14;
const PASSWORD = 'violet-harbour-42';
const h = (fn: unknown) => fn as Handler;
const from = (xff: string) => ({ 'x-forwarded-for': xff });

describe(`behind a trusted proxy (PGVIGIL_TRUST_PROXY=true) on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let cookie = '';
  beforeAll(async () => {
    ds = await webDatastore(major);
    process.env.PGVIGIL_TRUST_PROXY = 'true';
    // the proxy reports a caller on the machine itself: setup needs no token
    const created = await call(h(setup.POST), {
      method: 'POST',
      headers: from('127.0.0.1'),
      body: { username: 'root', password: PASSWORD },
    });
    cookie = sessionCookie(created.headers);
  });
  afterAll(async () => {
    delete process.env.PGVIGIL_TRUST_PROXY;
    await ds.drop();
  });

  it('the first authenticated request prunes expired sessions and old login attempts', async () => {
    const old = new Date(Date.now() - 3 * 24 * 3600_000);
    await ds.db.query(
      `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at)
       SELECT 'expired', id, $1, $1, $1 FROM users LIMIT 1`,
      [old],
    );
    await ds.db.query(
      `INSERT INTO login_attempts (at, ip, username, succeeded) VALUES ($1, 'x', 'y', false)`,
      [old],
    );
    expect((await call(h(me.GET), { cookie })).status).toBe(200);
    expect(await ds.db.query(`SELECT 1 FROM sessions WHERE id = 'expired'`)).toHaveLength(0);
    expect(await ds.db.query(`SELECT 1 FROM login_attempts WHERE at = $1`, [old])).toHaveLength(0);
  });

  it('the audit log records the address the proxy appended, not one the caller wrote', async () => {
    const ok = await call(h(login.POST), {
      method: 'POST',
      headers: from('198.51.100.66, 203.0.113.7'),
      body: { username: 'root', password: PASSWORD },
    });
    expect(ok.status).toBe(200);
    const log = await call(h(audit.GET), { cookie });
    expect(log.text).toContain('203.0.113.7');
    expect(log.text).not.toContain('198.51.100.66');
  });

  it('limits failed sign-ins per address across account names; other addresses still sign in', async () => {
    // the address's earlier failures, across account names (each would cost a hash to make)
    await ds.db.query(
      `INSERT INTO login_attempts (at, ip, username, succeeded)
       SELECT now(), '203.0.113.9', 'guess-' || g, false FROM generate_series(1, $1) g`,
      [MAX_FAILURES_PER_IP],
    );
    const limited = await call(h(login.POST), {
      method: 'POST',
      headers: from('203.0.113.9'),
      body: { username: 'root', password: PASSWORD },
    });
    expect(limited.status).toBe(429);
    const elsewhere = await call(h(login.POST), {
      method: 'POST',
      headers: from('203.0.113.10'),
      body: { username: 'root', password: PASSWORD },
    });
    expect(elsewhere.status).toBe(200);
  });
});
