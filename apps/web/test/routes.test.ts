import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import { getProbe } from '@pgvigil/probes';
import * as audit from '@/app/api/v1/audit/route';
import * as login from '@/app/api/v1/auth/login/route';
import * as logout from '@/app/api/v1/auth/logout/route';
import * as me from '@/app/api/v1/auth/me/route';
import * as password from '@/app/api/v1/auth/password/route';
import * as clusters from '@/app/api/v1/clusters/route';
import * as configBaseline from '@/app/api/v1/servers/[id]/config-baseline/route';
import * as lintFindings from '@/app/api/v1/servers/[id]/lint-findings/route';
import * as serverById from '@/app/api/v1/servers/[id]/route';
import * as exportRoute from '@/app/api/v1/servers/export/route';
import * as importRoute from '@/app/api/v1/servers/import/route';
import * as servers from '@/app/api/v1/servers/route';
import * as testRoute from '@/app/api/v1/servers/test/route';
import * as setup from '@/app/api/v1/setup/route';
import * as tokenById from '@/app/api/v1/tokens/[id]/route';
import * as tokens from '@/app/api/v1/tokens/route';
import * as userById from '@/app/api/v1/users/[id]/route';
import * as users from '@/app/api/v1/users/route';
import { call, sessionCookie, webDatastore, type Handler } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const ADMIN_PASSWORD = 'violet-harbour-42';
const h = (fn: unknown) => fn as Handler;

describe(`API routes on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let cookie: string;
  const tokenOf: Record<string, string> = {};
  const signIn = (username: string, password: string, headers?: Record<string, string>) =>
    call(h(login.POST), {
      method: 'POST',
      body: { username, password },
      ...(headers ? { headers } : {}),
    });
  beforeAll(async () => {
    ds = await webDatastore(major);
  });
  afterAll(() => ds.drop());

  it('first run: setup is needed, refuses a weak password, creates the admin once', async () => {
    expect((await call(h(setup.GET))).json).toEqual({ needed: true });
    const weak = await call(h(setup.POST), {
      method: 'POST',
      body: { username: 'root', password: 'password1234' },
    });
    expect(weak.status).toBe(400);
    expect((weak.json.error as { fields: Record<string, string> }).fields.password).toMatch(
      /common/,
    );
    const ok = await call(h(setup.POST), {
      method: 'POST',
      body: { username: 'root', password: ADMIN_PASSWORD },
    });
    expect(ok.status).toBe(201);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const again = await call(h(setup.POST), {
      method: 'POST',
      body: { username: 'other', password: ADMIN_PASSWORD },
    });
    expect(again.status).toBe(409);
    expect((await call(h(setup.GET))).json).toEqual({ needed: false });
  });

  it('login sets a session; wrong passwords are refused, then rate limited per user', async () => {
    const ok = await signIn('ROOT', ADMIN_PASSWORD);
    expect(ok.status).toBe(200);
    cookie = sessionCookie(ok.headers);
    expect((await call(h(me.GET), { cookie })).json).toMatchObject({
      user: { username: 'root', role: 'admin' },
      via: 'session',
    });
    for (let i = 0; i < 5; i++) {
      const bad = await signIn('victim', 'wrong-password-x');
      expect(bad.status).toBe(401);
    }
    // Secure follows PGVIGIL_BASE_URL (http here), never a caller-written X-Forwarded-Proto
    const behindTls = await signIn('root', ADMIN_PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(behindTls.headers.get('set-cookie')).not.toMatch(/Secure/);
    const limited = await signIn('victim', 'wrong-password-x');
    expect(limited.status).toBe(429);
  });

  it('without PGVIGIL_TRUST_PROXY a caller-written X-Forwarded-For is not believed', async () => {
    // Every call in this file sends X-Forwarded-For: 198.51.100.250 from the peer 127.0.0.1.
    const log = await call(h(audit.GET), { cookie });
    expect(log.text).toContain('"ip":"127.0.0.1"');
    expect(log.text).not.toContain('198.51.100.250');
  });

  it('refuses cookie-authenticated changes from another origin or none', async () => {
    const body = { name: 'x-origin' };
    expect(
      (
        await call(h(clusters.POST), {
          method: 'POST',
          body,
          cookie,
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403);
    expect(
      (await call(h(clusters.POST), { method: 'POST', body, cookie, origin: null })).status,
    ).toBe(403);
    expect((await call(h(clusters.POST), { method: 'POST', body, cookie })).status).toBe(201);
  });

  it('creates users and tokens; a token acts with its owner role and stops when revoked', async () => {
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      const username = `${role}-user`;
      if (role !== 'admin') {
        const created = await call(h(users.POST), {
          method: 'POST',
          cookie,
          body: { username, password: ADMIN_PASSWORD, role },
        });
        expect(created.status).toBe(201);
      }
      const session =
        role === 'admin' ? cookie : sessionCookie((await signIn(username, ADMIN_PASSWORD)).headers);
      const t = await call(h(tokens.POST), {
        method: 'POST',
        cookie: session,
        body: { name: `${role} token` },
      });
      expect(t.status).toBe(201);
      tokenOf[role] = t.json.token as string;
    }
    const viewerToken = tokenOf.viewer ?? '';
    const listed = await call(h(tokens.GET), { token: viewerToken });
    expect(listed.text).not.toContain(viewerToken);
    expect((await call(h(me.GET), { token: viewerToken, origin: null })).json).toMatchObject({
      via: 'token',
      user: { role: 'viewer' },
    });
    const spare = await call(h(tokens.POST), {
      method: 'POST',
      token: viewerToken,
      body: { name: 'spare' },
    });
    const id = String(spare.json.id);
    expect(
      (await call(h(tokenById.DELETE), { method: 'DELETE', token: tokenOf.admin, params: { id } }))
        .status,
    ).toBe(404);
    expect(
      (await call(h(tokenById.DELETE), { method: 'DELETE', token: viewerToken, params: { id } }))
        .status,
    ).toBe(204);
    expect((await call(h(me.GET), { token: spare.json.token as string })).status).toBe(401);
  });

  const NASTY = 'Nasty p@ss [w]/o?r#d "q" \\ + sp&c:e %';
  let serverId = 0;

  it('tests and saves a server pasted as a URL; secrets never come back', async () => {
    const target = new URL(serverUrl(major));
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: serverUrl(major) });
    await client.connect();
    await client.query(`DROP ROLE IF EXISTS route_mon`);
    await client.query(
      `CREATE ROLE route_mon LOGIN PASSWORD '${NASTY.replace(/'/g, "''")}' IN ROLE pg_monitor`,
    );
    await client.end();
    const url = `postgresql://route_mon:${encodeURIComponent(NASTY)}@${target.hostname}:${target.port}/postgres?sslmode=disable`;
    const admin = tokenOf.admin ?? '';

    const tested = await call(h(testRoute.POST), { method: 'POST', token: admin, body: { url } });
    expect(tested.json).toMatchObject({ ok: true, serverVersion: expect.any(String) });
    expect(
      (tested.json.checks as { key: string; status: string }[]).find((c) => c.key === 'pg_monitor')
        ?.status,
    ).toBe('ok');

    const wrong = await call(h(testRoute.POST), {
      method: 'POST',
      token: admin,
      body: { url, password: 'not-the-password' },
    });
    expect(wrong.json).toMatchObject({
      ok: false,
      error: { code: 'password_failed', fix: expect.any(String) },
    });

    const created = await call(h(servers.POST), {
      method: 'POST',
      token: admin,
      body: { url, name: 'route-db', environment: 'staging' },
    });
    expect(created.status).toBe(201);
    serverId = (created.json.server as { id: number }).id;
    expect(created.json.server).toMatchObject({
      host: target.hostname,
      username: 'route_mon',
      hasPassword: true,
      sslmode: 'disable',
    });

    // A saved server tests with its stored secret, and an edit without a password keeps it.
    const patched = await call(h(serverById.PATCH), {
      method: 'PATCH',
      token: admin,
      params: { id: String(serverId) },
      body: { description: 'edited', password: '' },
    });
    expect(patched.json.server).toMatchObject({ description: 'edited', hasPassword: true });
    expect(
      (await call(h(testRoute.POST), { method: 'POST', token: admin, body: { serverId } })).json.ok,
    ).toBe(true);

    const duplicate = await call(h(servers.POST), {
      method: 'POST',
      token: admin,
      body: { url, name: 'ROUTE-DB' },
    });
    expect(duplicate.status).toBe(409);

    for (const res of [
      created,
      patched,
      await call(h(servers.GET), { token: admin }),
      await call(h(exportRoute.GET), { token: admin }),
      await call(h(audit.GET), { token: admin }),
    ]) {
      expect(res.text).not.toContain(NASTY);
      expect(res.text).not.toContain(encodeURIComponent(NASTY));
      expect(res.text).not.toContain('pgv1.');
    }
    const rows = await ds.db.query<{ details: unknown }>('SELECT details FROM audit_log');
    expect(JSON.stringify(rows)).not.toContain(NASTY.slice(0, 12));
  });

  it('rejects a certificate path and reports the field', async () => {
    const res = await call(h(servers.POST), {
      method: 'POST',
      token: tokenOf.admin ?? '',
      body: { name: 'paths', url: 'postgresql://u@h/db?sslrootcert=/etc/ssl/ca.pem' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ fields: { url: expect.stringMatching(/PEM/) } });
  });

  it('marks the configuration known-good (admin only) and lists what differs since', async () => {
    const params = { id: String(serverId) };
    const mark = (token: string) => call(h(configBaseline.POST), { method: 'POST', token, params });
    const settings = getProbe('settings')!;
    const snapshot = async (at: Date, workMem: string) => {
      await ensureMetricTable(ds.db, settings, at);
      const row = (name: string, setting: string) => ({
        name,
        setting,
        unit: 'kB',
        source: 'configuration file',
        pending_restart: false,
      });
      await writeSamples(ds.db, [
        {
          spec: settings,
          samples: [
            {
              collectedAt: at,
              serverId,
              rows: [row('work_mem', workMem), row('shared_buffers', '16384')],
            },
          ],
        },
      ]);
    };
    expect((await mark(tokenOf.viewer ?? '')).status).toBe(403);
    expect((await mark(tokenOf.admin ?? '')).status).toBe(409); // nothing collected yet
    await snapshot(new Date('2026-12-01T00:00:00Z'), '4096');
    const marked = await mark(tokenOf.admin ?? '');
    expect(marked.status).toBe(200);
    expect(marked.json).toMatchObject({
      baseline: { settings: 2, hbaLines: null },
      differences: [],
    });
    await snapshot(new Date('2026-12-01T00:10:00Z'), '8192');
    const now = await call(h(configBaseline.GET), { token: tokenOf.viewer ?? '', params });
    expect(now.json.differences).toEqual([
      { kind: 'setting', name: 'work_mem', before: '4096', after: '8192' },
    ]);
  });

  it('lists configuration and security findings per server and database, with why and fix', async () => {
    const lint = getProbe('config_lint')!;
    const at = new Date();
    await ensureMetricTable(ds.db, lint, at);
    const finding = (check: string, object: string) => ({ check, object, detail: null });
    await writeSamples(ds.db, [
      {
        spec: lint,
        samples: [
          {
            collectedAt: at,
            serverId,
            database: 'app',
            rows: [finding('disabled_trigger', 'public.t.audit')],
          },
          {
            collectedAt: at,
            serverId,
            database: 'crm',
            rows: [finding('login_superuser', 'postgres')],
          },
        ],
      },
    ]);
    const get = (query: string) =>
      call(h(lintFindings.GET), {
        path: `/api/v1/servers/${serverId}/lint-findings${query}`,
        token: tokenOf.viewer ?? '',
        params: { id: String(serverId) },
      });
    const all = (await get('')).json.findings as { database: string; check: string; fix: string }[];
    expect(all.map((f) => [f.database, f.check]).sort()).toEqual([
      ['app', 'disabled_trigger'],
      ['crm', 'login_superuser'],
    ]);
    expect(all.every((f) => f.fix.length > 0)).toBe(true);
    const app = (await get('?database=app')).json.findings as { check: string; why: string }[];
    expect(app).toEqual([
      expect.objectContaining({ check: 'disabled_trigger', why: expect.stringMatching(/trigger/) }),
    ]);
  });

  it('export, import round trip, and delete removes the server', async () => {
    const admin = tokenOf.admin ?? '';
    const doc = (await call(h(exportRoute.GET), { token: admin })).json;
    const imported = await call(h(importRoute.POST), { method: 'POST', token: admin, body: doc });
    expect(imported.json).toMatchObject({ serversUpdated: 1, serversCreated: 0 });
    const deleted = await call(h(serverById.DELETE), {
      method: 'DELETE',
      token: admin,
      params: { id: String(serverId) },
    });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(
      (await call(h(serverById.GET), { token: admin, params: { id: String(serverId) } })).status,
    ).toBe(404);
  });

  it('a user changes their own password: the current one is required, old sessions end', async () => {
    const old = sessionCookie((await signIn('editor-user', ADMIN_PASSWORD)).headers);
    const wrong = await call(h(password.POST), {
      method: 'POST',
      cookie: old,
      body: { currentPassword: 'not-it-at-all', newPassword: 'another-long-phrase-9' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatchObject({ fields: { currentPassword: 'is wrong' } });
    const ok = await call(h(password.POST), {
      method: 'POST',
      cookie: old,
      body: { currentPassword: ADMIN_PASSWORD, newPassword: 'another-long-phrase-9' },
    });
    expect(ok.status).toBe(204);
    expect((await call(h(me.GET), { cookie: old })).status).toBe(401);
    expect((await call(h(me.GET), { cookie: sessionCookie(ok.headers) })).status).toBe(200);
    const relogin = await signIn('editor-user', 'another-long-phrase-9');
    expect(relogin.status).toBe(200);
  });

  it('never demotes the last admin; logout ends the session', async () => {
    const list = await call(h(users.GET), { token: tokenOf.admin ?? '' });
    const admins = (list.json.users as { id: number; role: string; username: string }[]).filter(
      (u) => u.role === 'admin',
    );
    expect(admins).toHaveLength(1);
    const res = await call(h(userById.PATCH), {
      method: 'PATCH',
      cookie,
      params: { id: String(admins[0]?.id) },
      body: { role: 'viewer' },
    });
    expect(res.status).toBe(409);
    expect((await call(h(logout.POST), { method: 'POST', cookie })).status).toBe(200);
    expect((await call(h(me.GET), { cookie })).status).toBe(401);
  });
});
