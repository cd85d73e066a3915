import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, testMajors, type TcpProxy, type TestDatastore } from '@pgvigil/db/testing';
import * as health from '@/app/api/v1/health/route';
import { getHealth } from '@/contract';
import { proxy } from '@/proxy';
import { DATASTORE_AWAY_HEADER } from '@/server/self-health';
import { BASE, call, firstAdminCookie, type Handler, webDatastore } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;

const page = (path: string, headers: Record<string, string>) =>
  proxy(new NextRequest(`${BASE}${path}`, { headers: { host: 'localhost:3000', ...headers } }));

/**
 * The page guard while pgvigil's own datastore is away: a signed-in user is shown
 * what is wrong at the page's address (nothing of the page), not sent to sign in
 * again; /api/v1/health says the same through the contract.
 */
describe(`the page guard when the datastore cannot answer, on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let path: TcpProxy;
  let cookie = '';

  beforeAll(async () => {
    ds = await webDatastore(major);
    // every connection of the web app goes through a proxy the test can take away
    const url = new URL(ds.url);
    path = await startTcpProxy(Number(url.port));
    url.port = String(path.port);
    process.env.DATABASE_URL = url.toString();
    cookie = await firstAdminCookie();
    expect(cookie).toMatch(/=/);
  });
  afterAll(async () => {
    await path.close().catch(() => undefined);
    await ds.drop();
  });

  it('passes a page through while the datastore answers, and drops a caller-written outage header', async () => {
    const res = await page('/servers/1', { cookie, [DATASTORE_AWAY_HEADER]: '1' });
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.get(`x-middleware-request-${DATASTORE_AWAY_HEADER}`)).toBeNull();
    const ok = await call(h(health.GET), { path: '/api/v1/health' });
    expect(ok.status).toBe(200);
    expect(getHealth.response.safeParse(ok.json).success).toBe(true);
  });

  it('shows the outage at the same address instead of the sign-in page, and health says why', async () => {
    await path.close();
    const res = await page('/servers/1?range=24h', { cookie });
    expect(res.status, 'not a redirect to /login').not.toBe(307);
    expect(res.headers.get('location')).toBeNull();
    const rewrite = new URL(res.headers.get('x-middleware-rewrite') ?? '', BASE);
    expect(rewrite.pathname).toBe('/unavailable');
    expect(res.headers.get(`x-middleware-request-${DATASTORE_AWAY_HEADER}`)).toBe('1');
    expect(res.headers.get('content-security-policy')).toContain('nonce-');

    // without a session there is nothing to check: sign in, as always
    const anonymous = await page('/servers/1', {});
    expect(anonymous.status).toBe(307);
    expect(new URL(anonymous.headers.get('location') ?? '', BASE).pathname).toBe('/login');

    const down = await call(h(health.GET), { path: '/api/v1/health' });
    expect(down.status).toBe(503);
    const parsed = getHealth.response.safeParse(down.json);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data?.problems.map((p) => p.code)).toEqual(['datastore_unreachable']);
    expect(parsed.data?.datastore.unreachableSince).not.toBeNull();
  });
});
