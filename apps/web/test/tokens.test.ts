import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as login from '@/app/api/v1/auth/login/route';
import * as me from '@/app/api/v1/auth/me/route';
import * as password from '@/app/api/v1/auth/password/route';
import * as clusters from '@/app/api/v1/clusters/route';
import * as tokens from '@/app/api/v1/tokens/route';
import * as userById from '@/app/api/v1/users/[id]/route';
import * as users from '@/app/api/v1/users/route';
import { call, firstAdminCookie, type Handler, sessionCookie, webDatastore } from './helpers';

const major = testMajors()[0] ?? 14;
const PASSWORD = 'violet-harbour-42';
const DAY = 86_400_000;
const h = (fn: unknown) => fn as Handler;

/** API tokens: they always expire, may be read-only, and end with the password. */
describe(`API tokens on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let admin = '';
  beforeAll(async () => {
    ds = await webDatastore(major);
    admin = await firstAdminCookie('admin', PASSWORD);
  });
  afterAll(() => ds.drop());

  const mint = (auth: { cookie?: string; token?: string }, body: Record<string, unknown>) =>
    call(h(tokens.POST), { method: 'POST', ...auth, body: { name: 'x', ...body } });

  it('expires after 90 days by default; never later than PGVIGIL_TOKEN_MAX_DAYS', async () => {
    const made = await mint({ cookie: admin }, {});
    expect(made.status).toBe(201);
    const expires = Date.parse(String(made.json.expiresAt));
    expect(Math.abs(expires - Date.now() - 90 * DAY)).toBeLessThan(60_000);
    expect(made.json.scope).toBe('full');
    const never = await mint({ cookie: admin }, { expiresAt: '2099-01-01T00:00:00Z' });
    expect(never.status).toBe(400);
    expect(never.json.error).toMatchObject({
      fields: { expiresAt: expect.stringMatching(/365 days/) },
    });
    const [row] = await ds.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM api_tokens WHERE expires_at IS NULL',
    );
    expect(row!.n).toBe(0);
  });

  it('a token cannot mint a token that outlives it', async () => {
    const short = new Date(Date.now() + 2 * DAY).toISOString();
    const parent = (await mint({ cookie: admin }, { expiresAt: short })).json.token as string;
    const later = await mint(
      { token: parent },
      { expiresAt: new Date(Date.now() + 10 * DAY).toISOString() },
    );
    expect(later.status).toBe(400);
    expect(later.json.error).toMatchObject({
      fields: { expiresAt: expect.stringMatching(/token making it/) },
    });
    // without an expiry asked, the child gets the parent's
    const child = await mint({ token: parent }, {});
    expect(child.status).toBe(201);
    expect(Date.parse(String(child.json.expiresAt))).toBeLessThanOrEqual(Date.parse(short));
  });

  it('a read-only token reads and changes nothing, not even tokens', async () => {
    const reader = (await mint({ cookie: admin }, { scope: 'read' })).json.token as string;
    expect((await call(h(clusters.GET), { token: reader })).status).toBe(200);
    const write = await call(h(clusters.POST), {
      method: 'POST',
      token: reader,
      body: { name: 'c' },
    });
    expect(write.status).toBe(403);
    expect((await mint({ token: reader }, {})).status).toBe(403);
  });

  it('shows when a token was last used', async () => {
    const made = await mint({ cookie: admin }, { name: 'used' });
    await call(h(me.GET), { token: made.json.token as string });
    const listed = await call(h(tokens.GET), { cookie: admin });
    const used = (listed.json.tokens as { id: number; lastUsedAt: string | null }[]).find(
      (t) => t.id === made.json.id,
    );
    expect(used?.lastUsedAt).toEqual(expect.any(String));
  });

  it('a password change, an admin reset and disabling the user revoke every token', async () => {
    const created = await call(h(users.POST), {
      method: 'POST',
      cookie: admin,
      body: { username: 'ops', password: PASSWORD, role: 'editor' },
    });
    const id = String((created.json.user as { id: number }).id);
    const session = async (pw: string) =>
      sessionCookie(
        (await call(h(login.POST), { method: 'POST', body: { username: 'ops', password: pw } }))
          .headers,
      );
    const alive = async (token: string) => (await call(h(me.GET), { token })).status === 200;

    let ops = await session(PASSWORD);
    let token = (await mint({ cookie: ops }, {})).json.token as string;
    expect(await alive(token)).toBe(true);
    const changed = await call(h(password.POST), {
      method: 'POST',
      cookie: ops,
      body: { currentPassword: PASSWORD, newPassword: 'another-long-phrase-9' },
    });
    expect(changed.status).toBe(204);
    expect(await alive(token)).toBe(false);

    ops = await session('another-long-phrase-9');
    token = (await mint({ cookie: ops }, {})).json.token as string;
    const reset = await call(h(userById.PATCH), {
      method: 'PATCH',
      cookie: admin,
      params: { id },
      body: { password: 'a-third-long-phrase-7' },
    });
    expect(reset.status).toBe(200);
    expect(await alive(token)).toBe(false);

    ops = await session('a-third-long-phrase-7');
    token = (await mint({ cookie: ops }, {})).json.token as string;
    await call(h(userById.PATCH), {
      method: 'PATCH',
      cookie: admin,
      params: { id },
      body: { disabled: true },
    });
    await call(h(userById.PATCH), {
      method: 'PATCH',
      cookie: admin,
      params: { id },
      body: { disabled: false },
    });
    expect(await alive(token)).toBe(false);
  });
});
