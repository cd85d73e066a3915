import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMetricTable } from '@pgvigil/db/metrics';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import * as activity from '@/app/api/v1/servers/[id]/activity/route';
import * as login from '@/app/api/v1/auth/login/route';
import * as servers from '@/app/api/v1/servers/route';
import * as users from '@/app/api/v1/users/route';
import { proxy } from '@/proxy';
import { digest } from '@/server/auth/secrets';
import { pageAccess } from '@/server/auth/page-access';
import { hasRole } from '@/server/auth/roles';
import { discoverPages, discoverRoutes, fillPattern, type DiscoveredRoute } from './discover';
import { BASE, call, firstAdminCookie, type Handler, sessionCookie, webDatastore } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const PASSWORD = 'violet-harbour-42';
const h = (fn: unknown) => fn as Handler;
const PLANTED = {
  name: 'PLANTED-SERVER-7f3a',
  host: 'planted-host-9c1e.example',
  sql: 'planted_sql_marker_2b8e',
};
const APP = path.resolve(import.meta.dirname, '..', 'src', 'app');

type Caller = 'no cookie' | 'garbage cookie' | 'expired session' | 'disabled user' | 'viewer';
const CALLERS: Caller[] = [
  'no cookie',
  'garbage cookie',
  'expired session',
  'disabled user',
  'viewer',
];

/**
 * The one guard, proven over everything the file system holds: every page (through
 * proxy.ts) and every API handler, called with no cookie, a garbage cookie, an
 * expired session, a disabled user's session and a viewer's session.
 */
describe(`every page and API handler under every kind of caller, on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  const cookies: Record<Caller, string> = {
    'no cookie': '',
    'garbage cookie': 'pgvigil_session=x',
    'expired session': '',
    'disabled user': '',
    viewer: '',
  };
  let values: Record<string, string> = {};

  const signIn = async (username: string) =>
    sessionCookie(
      (await call(h(login.POST), { method: 'POST', body: { username, password: PASSWORD } }))
        .headers,
    );
  const secretOf = (cookie: string) => digest(cookie.split('=')[1] ?? '');

  beforeAll(async () => {
    ds = await webDatastore(major);
    const admin = await firstAdminCookie('admin', PASSWORD);
    for (const [username, role] of [
      ['viewer', 'viewer'],
      ['leaver', 'admin'],
      ['lapsed', 'admin'],
    ] as const) {
      const res = await call(h(users.POST), {
        method: 'POST',
        cookie: admin,
        body: { username, password: PASSWORD, role },
      });
      expect(res.status).toBe(201);
    }
    cookies.viewer = await signIn('viewer');
    // sessions that still exist in the table: the user disabled behind their back, the session expired
    cookies['disabled user'] = await signIn('leaver');
    await ds.db.query(`UPDATE users SET disabled = true WHERE username = 'leaver'`);
    cookies['expired session'] = await signIn('lapsed');
    await ds.db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`,
      [secretOf(cookies['expired session'])],
    );
    const created = await call(h(servers.POST), {
      method: 'POST',
      cookie: admin,
      body: { name: PLANTED.name, host: PLANTED.host, username: 'mon', password: 'planted-pw-1' },
    });
    expect(created.status).toBe(201);
    const id = String((created.json.server as { id: number }).id);
    // a live session the collector sampled, with its query text
    const now = new Date();
    await ensureMetricTable(ds.db, getProbe('sessions')!, now);
    await ds.db.query(
      `INSERT INTO metrics.sessions (collected_at, server_id, pid, datname, state, query)
       VALUES ($1, $2, 4242, 'postgres', 'active', $3)`,
      [now, Number(id), `SELECT secret_stuff FROM t /* ${PLANTED.sql} */`],
    );
    const seen = await call(h(activity.GET), { cookie: admin, params: { id } });
    expect(seen.text, 'the planted SQL is there for an admin').toContain(PLANTED.sql);
    values = {
      id,
      db: 'postgres',
      schema: 'public',
      table: 't',
      index: 'i',
      chart: 'tps',
      rule: 'connections_used',
      queryid: '1',
      probe: 'tables',
      overrideId: '1',
    };
  });
  afterAll(() => ds.drop());

  const noPlanted = (text: string, what: string) => {
    expect(text, what).not.toContain(PLANTED.name);
    expect(text, what).not.toContain(PLANTED.host);
    expect(text, what).not.toContain(PLANTED.sql);
  };

  it('pages: anyone without a valid session is sent to /login with nothing of the page', async () => {
    const pages = discoverPages();
    expect(pages.length).toBeGreaterThan(15);
    for (const page of pages) {
      const url = fillPattern(page.urlPattern, values);
      const access = pageAccess(url);
      for (const caller of CALLERS) {
        const res = await proxy(
          new NextRequest(`${BASE}${url}`, {
            headers: {
              host: 'localhost:3000',
              ...(cookies[caller] ? { cookie: cookies[caller] } : {}),
            },
          }),
        );
        const what = `${url} with ${caller}`;
        const body = await res.text();
        noPlanted(body + JSON.stringify([...res.headers]), what);
        const passed = res.headers.get('x-middleware-next') === '1';
        if (access === 'public') {
          expect(passed, what).toBe(true);
        } else if (caller !== 'viewer') {
          expect(res.status, what).toBe(307);
          expect(body, what).toBe('');
          const to = new URL(res.headers.get('location') ?? '', BASE);
          expect(to.pathname, what).toBe('/login');
        } else if (access === 'admin') {
          expect(res.status, what).toBe(307);
          expect(new URL(res.headers.get('location') ?? '', BASE).search, what).toBe(
            '?forbidden=1',
          );
        } else {
          expect(passed, what).toBe(true);
        }
      }
    }
  });

  it('API handlers: 401 without a valid session, 403 for a viewer below the role; no planted data', async () => {
    // signing out ends the viewer's session: that one goes last
    const last = (r: DiscoveredRoute) => (r.urlPattern.endsWith('/auth/logout') ? 1 : 0);
    const routes = (await discoverRoutes()).sort((a, b) => last(a) - last(b));
    expect(routes.length).toBeGreaterThan(60);
    for (const r of routes) {
      if (r.access?.kind !== 'role') continue;
      const params = Object.fromEntries(
        [...r.urlPattern.matchAll(/\[([^\]]+)\]/g)].map((m) => [m[1]!, values[m[1]!] ?? '1']),
      );
      for (const caller of CALLERS) {
        const res = await call(r.handler, {
          method: r.method,
          params,
          ...(cookies[caller] ? { cookie: cookies[caller] } : {}),
          ...(r.method !== 'GET' ? { raw: '{}' } : {}),
        });
        const what = `${r.method} ${r.urlPattern} with ${caller}`;
        if (caller !== 'viewer') {
          expect(res.status, what).toBe(401);
          noPlanted(res.text, what);
        } else if (!hasRole('viewer', r.access.minRole)) {
          expect(res.status, what).toBe(403);
          noPlanted(res.text, what);
        } else {
          expect([401, 403], what).not.toContain(res.status);
        }
      }
    }
  });

  it('pages that check the admin role themselves are admin pages to the proxy too', () => {
    for (const page of discoverPages()) {
      const dirs = path.dirname(page.file).split(path.sep);
      const sources = dirs.map((_, i) => {
        const dir = path.join(APP, ...dirs.slice(0, i + 1));
        return ['page.tsx', 'layout.tsx']
          .map((f) => {
            try {
              return readFileSync(path.join(dir, f), 'utf8');
            } catch {
              return '';
            }
          })
          .join('\n');
      });
      const needsAdmin = sources.some((s) => /(requirePageUser|forbidBelow)\('admin'/.test(s));
      if (needsAdmin) expect(pageAccess(page.urlPattern), page.file).toBe('admin');
    }
  });

  it('a Host other than the base URL or a loopback name gets 421, even with a valid session', async () => {
    const admin = await signIn('admin');
    for (const path of ['/', `/servers/${values.id}`, '/api/v1/servers', '/login']) {
      for (const host of ['evil.example', 'evil.example:3000', 'localhost:3001', '10.0.0.5:3000']) {
        const res = await proxy(
          new NextRequest(`${BASE}${path}`, { headers: { host, cookie: admin } }),
        );
        expect(res.status, `${host}${path}`).toBe(421);
        noPlanted(await res.text(), host);
      }
    }
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000']) {
      const res = await proxy(new NextRequest(`${BASE}/`, { headers: { host, cookie: admin } }));
      expect(res.headers.get('x-middleware-next'), host).toBe('1');
    }
  });

  it('every response carries the security headers; scripts only by a fresh nonce', async () => {
    const seen = new Set<string>();
    for (const path of ['/', '/login', '/api/v1/health', '/servers/1']) {
      const res = await proxy(
        new NextRequest(`${BASE}${path}`, { headers: { host: 'localhost:3000' } }),
      );
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce, path).toBeTruthy();
      seen.add(nonce!);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic'(;|$)/);
      expect(csp).not.toMatch(/unsafe-eval/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      // the base URL is http here: no HSTS (security-headers.test covers https)
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    expect(seen.size).toBe(4);
  });
});
