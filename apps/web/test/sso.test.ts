import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, findUserByUsername, listAudit, updateUser } from '@pgvigil/db/accounts';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as login from '@/app/api/v1/auth/login/route';
import * as logout from '@/app/api/v1/auth/logout/route';
import * as me from '@/app/api/v1/auth/me/route';
import * as oidcCallback from '@/app/api/v1/auth/oidc/callback/route';
import * as oidcLogin from '@/app/api/v1/auth/oidc/login/route';
import * as proxyLogin from '@/app/api/v1/auth/proxy/route';
import { digest, hashPassword } from '@/server/auth';
import { PEER_HEADER } from '@/server/auth/peer';
import { resetEnvForTests } from '@/server/env';
import { OPEN_REDIRECT_PAYLOADS } from './open-redirect-payloads';
import { webDatastore, type Handler } from './helpers';
import { startIdp, type TestIdp } from './oidc-idp';

// Its own file: the web env is read per module graph, and here single sign-on is on.
const major = testMajors()[0] ?? 14;
const h = (fn: unknown) => fn as Handler;

const ROUTES: Record<string, Handler> = {
  'GET /api/v1/auth/oidc/login': h(oidcLogin.GET),
  'GET /api/v1/auth/oidc/callback': h(oidcCallback.GET),
  'GET /api/v1/auth/proxy': h(proxyLogin.GET),
  'GET /api/v1/auth/me': h(me.GET),
  'POST /api/v1/auth/logout': h(logout.POST),
  'POST /api/v1/auth/login': h(login.POST),
};

/** pgvigil's sign-in routes over real HTTP, as its own server hands them to Next.js. */
async function servePgvigil(): Promise<{ server: Server; base: string; peer: { as?: string } }> {
  const peer: { as?: string } = {};
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const handler = ROUTES[`${req.method} ${url.pathname}`];
      if (!handler) {
        res.writeHead(404);
        res.end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string') headers.set(k, v);
      headers.set(PEER_HEADER, peer.as ?? req.socket.remoteAddress ?? '');
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const request = new Request(`${process.env.PGVIGIL_BASE_URL}${req.url}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body ? { body } : {}),
      });
      void handler(request, { params: Promise.resolve({}) }).then(async (response) => {
        const out: Record<string, string | string[]> = {};
        response.headers.forEach((v, k) => {
          if (k !== 'set-cookie') out[k] = v;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) out['set-cookie'] = cookies;
        res.writeHead(response.status, out);
        res.end(Buffer.from(await response.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, peer };
}

/** A browser's cookies, per origin (enough for loopback hosts on different ports). */
class Browser {
  private jar = new Map<string, Map<string, string>>();
  cookiesFor(url: string): string {
    const c = this.jar.get(new URL(url).origin) ?? new Map<string, string>();
    return [...c].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(url: string, response: Response) {
    const origin = new URL(url).origin;
    const c = this.jar.get(origin) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(eq + 1) === '';
      if (gone) c.delete(pair.slice(0, eq).trim());
      else c.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.jar.set(origin, c);
  }
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.cookiesFor(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.keep(url, response);
    return response;
  }
  /**
   * Follows redirects from `url`, signing in at the provider's form as `login` when it
   * asks, until a page of pgvigil (not its API) is reached: that page's address.
   */
  async signIn(url: string, login: string, pgvigil: string): Promise<URL> {
    let next = url;
    for (let hop = 0; hop < 15; hop++) {
      const response = await this.request(next);
      const location = response.headers.get('location');
      if (location) {
        next = new URL(location, next).href;
        if (next.startsWith(pgvigil) && !new URL(next).pathname.startsWith('/api/'))
          return new URL(next);
        continue;
      }
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (response.status !== 200 || !action)
        throw new Error(`stuck at ${next}: ${response.status}`);
      const form = await this.request(new URL(action, next).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString(),
      });
      next = new URL(form.headers.get('location') ?? '', next).href;
    }
    throw new Error('too many redirects');
  }
}

describe(`single sign-on against a real OpenID provider, PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let idp: TestIdp;
  let web: Awaited<ReturnType<typeof servePgvigil>>;
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvForTests();
  };
  const who = async (b: Browser) => {
    const r = await b.request(`${web.base}/api/v1/auth/me`);
    return r.status === 200
      ? ((await r.json()) as { user: { username: string; role: string } }).user
      : null;
  };
  const signIn = (b: Browser, sub: string, next = '/servers') =>
    b.signIn(`${web.base}/api/v1/auth/oidc/login?next=${encodeURIComponent(next)}`, sub, web.base);

  beforeAll(async () => {
    ds = await webDatastore(major);
    web = await servePgvigil();
    idp = await startIdp(web.base);
    set({
      PGVIGIL_BASE_URL: web.base,
      PGVIGIL_OIDC_ISSUER: idp.issuer,
      PGVIGIL_OIDC_CLIENT_ID: idp.clientId,
      PGVIGIL_OIDC_CLIENT_SECRET: idp.clientSecret,
      PGVIGIL_SSO_ADMIN_GROUPS: 'pgvigil-admins',
      PGVIGIL_SSO_EDITOR_GROUPS: 'dba,sre',
      PGVIGIL_SSO_DEFAULT_ROLE: 'deny',
    });
    idp.accounts.set('u-alice', { username: 'alice', groups: ['staff', 'pgvigil-admins'] });
    idp.accounts.set('u-bob', { username: 'bob', groups: ['sre'] });
    idp.accounts.set('u-eve', { username: 'eve', groups: ['marketing'] });
  }, 120_000);
  afterAll(async () => {
    await idp.close();
    await new Promise((resolve) => web.server.close(resolve));
    await ds.drop();
  });

  it('signs a new user in with the role their groups map to, and lands on the page asked for', async () => {
    const b = new Browser();
    const landed = await signIn(b, 'u-alice');
    expect(landed.pathname).toBe('/servers');
    expect(await who(b)).toMatchObject({ username: 'alice', role: 'admin' });
    const bob = new Browser();
    await signIn(bob, 'u-bob');
    expect(await who(bob)).toMatchObject({ username: 'bob', role: 'editor' });
    const [entry] = await listAudit(ds.db, { limit: 1 });
    expect(entry).toMatchObject({ action: 'auth.login', actor: 'bob' });
    expect(entry?.details).toMatchObject({ via: 'oidc', role: 'editor', created: true });
    // an SSO user has no password: the password form cannot sign them in
    expect((await findUserByUsername(ds.db, 'bob'))?.passwordHash).toBeNull();
  });

  it('takes admin away at the next sign-in of a user moved out of the admin group', async () => {
    idp.accounts.set('u-alice', { username: 'alice', groups: ['staff', 'dba'] });
    const b = new Browser();
    await signIn(b, 'u-alice');
    expect(await who(b)).toMatchObject({ username: 'alice', role: 'editor' });
    const [entry] = await listAudit(ds.db, { limit: 1 });
    expect(entry?.details).toMatchObject({ previousRole: 'admin', role: 'editor' });
  });

  it('refuses a user in no mapped group when the default is deny', async () => {
    const b = new Browser();
    const landed = await signIn(b, 'u-eve');
    expect(landed.pathname + landed.search).toBe('/login?sso=denied');
    expect(await who(b)).toBeNull();
    expect(await findUserByUsername(ds.db, 'eve')).toBeNull();
  });

  it('refuses a disabled user although the provider vouches for them', async () => {
    const bob = await findUserByUsername(ds.db, 'bob');
    await updateUser(ds.db, bob!.id, { disabled: true });
    const b = new Browser();
    const landed = await signIn(b, 'u-bob');
    expect(landed.search).toBe('?sso=disabled');
    expect(await who(b)).toBeNull();
    await updateUser(ds.db, bob!.id, { disabled: false });
  });

  it('refuses an ID token whose claims were changed on the way, signature kept', async () => {
    idp.accounts.set('u-carol', { username: 'carol', groups: ['sre'] });
    idp.mode.current = 'tamper';
    try {
      const b = new Browser();
      const landed = await signIn(b, 'u-carol');
      expect(landed.search).toBe('?sso=failed');
      expect(await who(b)).toBeNull();
    } finally {
      idp.mode.current = 'pass';
    }
    expect(await findUserByUsername(ds.db, 'carol')).toBeNull();
  });

  it('refuses a provider whose issuer is not the configured one', async () => {
    set({ PGVIGIL_OIDC_ISSUER: idp.direct });
    try {
      const b = new Browser();
      const landed = await signIn(b, 'u-bob');
      expect(landed.search).toBe('?sso=failed');
      expect(await who(b)).toBeNull();
    } finally {
      set({ PGVIGIL_OIDC_ISSUER: idp.issuer });
    }
  });

  it('checks the state against this browser and uses it once', async () => {
    const b = new Browser();
    const start = await b.request(`${web.base}/api/v1/auth/oidc/login`);
    const authorize = new URL(start.headers.get('location')!);
    const state = authorize.searchParams.get('state')!;
    // another browser (a login CSRF) returning with this state has no matching cookie
    const other = new Browser();
    const forged = await other.request(
      `${web.base}/api/v1/auth/oidc/callback?code=x&state=${state}`,
    );
    expect(forged.headers.get('location')).toBe(`${web.base}/login?sso=failed`);
    // a made-up code with the right state: the provider refuses it, no session
    const wrong = await b.request(
      `${web.base}/api/v1/auth/oidc/callback?code=made-up&state=${state}`,
    );
    expect(wrong.headers.get('location')).toBe(`${web.base}/login?sso=failed`);
    expect(await who(b)).toBeNull();
    // the first return used the pending sign-in up: it cannot be replayed
    expect(
      await ds.db.query('SELECT 1 FROM oidc_flows WHERE state_hash = $1', [digest(state)]),
    ).toEqual([]);
  });

  it('never leaves the site through the return path', async () => {
    for (const payload of OPEN_REDIRECT_PAYLOADS.slice(0, 12)) {
      const b = new Browser();
      const landed = await signIn(b, 'u-alice', payload);
      expect(landed.origin, payload).toBe(web.base);
    }
  });

  it('ends the provider session too at sign-out', async () => {
    const b = new Browser();
    await signIn(b, 'u-alice');
    const out = await b.request(`${web.base}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { origin: web.base },
    });
    expect(out.status).toBe(200);
    const { endSessionUrl } = (await out.json()) as { endSessionUrl: string };
    expect(endSessionUrl.startsWith(`${idp.issuer}/`)).toBe(true);
    expect(new URL(endSessionUrl).searchParams.get('post_logout_redirect_uri')).toBe(
      `${web.base}/login`,
    );
    expect(await who(b)).toBeNull();
  });

  it('with password sign-in off, only the break-glass admin may use a password', async () => {
    const passwordHash = await hashPassword('glass-breaker-7731');
    await createUser(ds.db, { username: 'glass', passwordHash, role: 'admin' });
    await createUser(ds.db, { username: 'local-dba', passwordHash, role: 'editor' });
    set({ PGVIGIL_LOCAL_LOGIN: 'false', PGVIGIL_BREAK_GLASS_USER: 'glass' });
    try {
      const post = (username: string) =>
        fetch(`${web.base}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: web.base },
          body: JSON.stringify({ username, password: 'glass-breaker-7731' }),
        });
      expect((await post('local-dba')).status).toBe(403);
      expect((await post('glass')).status).toBe(200);
    } finally {
      set({ PGVIGIL_LOCAL_LOGIN: undefined, PGVIGIL_BREAK_GLASS_USER: undefined });
    }
  });

  it('believes the proxy header only from the configured proxy addresses', async () => {
    set({
      PGVIGIL_AUTH_PROXY_HEADER: 'X-Forwarded-User',
      PGVIGIL_AUTH_PROXY_GROUPS_HEADER: 'X-Forwarded-Groups',
      PGVIGIL_AUTH_PROXY_ADDRESSES: '10.20.0.0/16',
    });
    try {
      const ask = (peer: string) => {
        web.peer.as = peer;
        return new Browser().request(`${web.base}/api/v1/auth/proxy?next=/alerts`, {
          headers: {
            'x-forwarded-user': 'dora',
            'x-forwarded-groups': 'pgvigil-admins',
            'x-forwarded-for': '10.20.0.5',
          },
        });
      };
      // a caller on the machine itself, claiming to be forwarded by the proxy, is refused
      expect((await ask('127.0.0.1')).status).toBe(401);
      expect((await ask('10.21.0.5')).status).toBe(401);
      const through = await ask('10.20.3.4');
      expect(through.status).toBe(303);
      expect(through.headers.get('location')).toBe(`${web.base}/alerts`);
      expect(await findUserByUsername(ds.db, 'dora')).toMatchObject({
        role: 'admin',
        authSource: 'proxy',
      });
    } finally {
      delete web.peer.as;
      set({
        PGVIGIL_AUTH_PROXY_HEADER: undefined,
        PGVIGIL_AUTH_PROXY_GROUPS_HEADER: undefined,
        PGVIGIL_AUTH_PROXY_ADDRESSES: undefined,
      });
    }
  });
});
