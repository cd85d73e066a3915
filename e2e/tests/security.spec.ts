import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, request, test, type APIRequestContext } from '@playwright/test';
import pg from 'pg';
import { freePort, startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import { pageUrlsFromFiles, routeMethodsFromFiles } from '../../apps/web/test/discover-files';
import { OPEN_REDIRECT_PAYLOADS } from '../../apps/web/test/open-redirect-payloads';
import { stackDatastore } from '../datastore';

// The security suite against the real stack (issue 11): pages and the API without
// a valid session, open redirects in Chromium, Host and headers over real HTTP, the
// setup token, and a sweep for planted secrets through every API response of every
// role, every page, the three apps' logs, the audit log and the outbox.

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';
const ADMIN = { username: 'admin', password: 'violet-harbour-42' };
const ROLES = {
  editor: { username: 'sec-editor', password: 'amber-canyon-58-e2e' },
  viewer: { username: 'sec-viewer', password: 'quiet-orchard-61-e2e' },
} as const;
/** Unique values planted as secrets: none may come back out, anywhere. */
const SECRETS = {
  serverPassword: 'PLANTED-pw-4b1f9e',
  sslKey: 'PLANTED-sslkey-77d0c3',
  webhookUser: 'PLANTED-hookuser-a21d',
  webhookPass: 'PLANTED-hookpass-91c5',
  webhookPath: 'PLANTED-hookpath-5e3b',
  webhookQuery: 'PLANTED-hookquery-0f7d',
  slackPath: 'PLANTED-slackpath-c44e',
  smtpPass: 'PLANTED-smtppass-39aa',
};
const SERVER_NAME = 'planted-server-e2e';
const SQL_MARKER = 'planted_sql_marker_6d21';

let root = '';
let target: EmbeddedServer | undefined;
let sleeper: pg.Client | undefined;
let admin: APIRequestContext | undefined;
const contexts: Partial<Record<'admin' | keyof typeof ROLES, APIRequestContext>> = {};
let serverId = 0;
let clusterId = 0;
const channelIds: number[] = [];

async function signedIn(who: { username: string; password: string }) {
  const ctx = await request.newContext({
    baseURL: baseUrl(),
    extraHTTPHeaders: { Origin: baseUrl() },
    maxRedirects: 0,
  });
  const setup = (await (await ctx.get('/api/v1/setup')).json()) as { needed: boolean };
  const res = await ctx.post(setup.needed ? '/api/v1/setup' : '/api/v1/auth/login', { data: who });
  if (!res.ok()) throw new Error(`sign-in of ${who.username}: ${res.status()} ${await res.text()}`);
  return ctx;
}

async function ok<T>(res: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  const body = await res.json();
  if (!res.ok()) throw new Error(`${res.url()}: ${res.status()} ${JSON.stringify(body)}`);
  return body as T;
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  admin = await signedIn(ADMIN);
  contexts.admin = admin;
  for (const [role, who] of Object.entries(ROLES)) {
    const made = await admin.post('/api/v1/users', { data: { ...who, role } });
    expect([201, 409]).toContain(made.status());
    contexts[role as keyof typeof ROLES] = await signedIn(who);
  }

  root = await mkdtemp(path.join(tmpdir(), 'pgvigil-e2e-sec-'));
  await chmod(root, 0o755);
  target = await startEmbedded({
    dataDir: path.join(root, 'data'),
    major: 18,
    superuserPassword: 'sec-superuser',
    settings: { fsync: 'off' },
  });
  const su = new pg.Client({ connectionString: target.url() });
  await su.connect();
  await su.query(
    `CREATE ROLE sec_mon LOGIN PASSWORD '${SECRETS.serverPassword}' IN ROLE pg_monitor`,
  );
  await su.end();
  // a session whose query text the collector samples: pages show it to signed-in users only
  sleeper = new pg.Client({ connectionString: target.url(), application_name: 'e2e-sleeper' });
  await sleeper.connect();
  void sleeper.query(`SELECT pg_sleep(600) /* ${SQL_MARKER} */`).catch(() => undefined);

  clusterId = (
    await ok<{ cluster: { id: number } }>(
      await admin.post('/api/v1/clusters', { data: { name: 'planted-cluster' } }),
    )
  ).cluster.id;
  serverId = (
    await ok<{ server: { id: number } }>(
      await admin.post('/api/v1/servers', {
        data: {
          name: SERVER_NAME,
          url: `postgresql://sec_mon:${SECRETS.serverPassword}@127.0.0.1:${target.port}/postgres?sslmode=disable`,
          sslKey: `-----BEGIN PRIVATE KEY-----\n${SECRETS.sslKey}\n-----END PRIVATE KEY-----\n`,
          clusterId,
        },
      }),
    )
  ).server.id;

  // channels whose secrets point at a loopback port nothing listens on: every delivery fails
  const closed = await freePort();
  const channels = [
    {
      type: 'webhook',
      name: 'planted-webhook',
      config: {
        url: `http://${SECRETS.webhookUser}:${SECRETS.webhookPass}@127.0.0.1:${closed}/hooks/${SECRETS.webhookPath}?token=${SECRETS.webhookQuery}`,
      },
    },
    {
      type: 'slack',
      name: 'planted-slack',
      config: { url: `http://127.0.0.1:${closed}/services/${SECRETS.slackPath}` },
    },
    {
      type: 'email',
      name: 'planted-email',
      config: {
        to: 'oncall@example.com',
        smtpUrl: `smtp://mailer:${SECRETS.smtpPass}@127.0.0.1:${closed}`,
      },
    },
  ];
  for (const c of channels) {
    const made = await ok<{ channel: { id: number } }>(
      await admin.post('/api/v1/channels', { data: { ...c, minSeverity: 'info' } }),
    );
    channelIds.push(made.channel.id);
  }
  // messages in the outbox for the alerter (its own process) to try and fail to deliver
  const ds = await stackDatastore();
  try {
    for (const id of channelIds) {
      await ds.query(
        `INSERT INTO notification_outbox (channel_id, dedupe_key, kind, payload)
         VALUES ($1, $2, 'test', $3)`,
        [
          id,
          `e2e-planted-${id}-${Date.now()}`,
          JSON.stringify({
            kind: 'test',
            title: 'planted delivery',
            severity: 'info',
            rule: null,
            server: null,
            items: [],
            link: `${baseUrl()}/alerts`,
            at: new Date().toISOString(),
          }),
        ],
      );
    }
    await expect
      .poll(
        async () =>
          (
            await ds.query<{ n: number }>(
              // only the planted messages: alerts that fire meanwhile (servers of other
              // specs) are queued for these channels too
              `SELECT count(*)::int AS n FROM notification_outbox
                WHERE channel_id = ANY($1) AND dedupe_key LIKE 'e2e-planted-%'
                  AND attempts > 0 AND last_error IS NOT NULL`,
              [channelIds],
            )
          ).rows[0]!.n,
        { timeout: 60_000, intervals: [1_000] },
      )
      .toBe(channelIds.length);
  } finally {
    await ds.end();
  }
  // the collector has sampled the planted query: an admin sees it on the server page
  await expect
    .poll(
      async () => (await (await admin!.get(`/servers/${serverId}`)).text()).includes(SQL_MARKER),
      {
        timeout: 120_000,
        intervals: [3_000],
      },
    )
    .toBe(true);
});

test.afterAll(async () => {
  await sleeper?.end().catch(() => undefined);
  await Promise.all(Object.values(contexts).map((c) => c?.dispose()));
  await target?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Every URL a route or page pattern stands for, with the planted ids. */
function fill(pattern: string): string {
  const values: Record<string, string> = {
    id: pattern.startsWith('/api/v1/channels')
      ? String(channelIds[0])
      : pattern.startsWith('/clusters') || pattern.startsWith('/api/v1/clusters')
        ? String(clusterId)
        : String(serverId),
    db: 'postgres',
    schema: 'public',
    table: 'pg_class',
    index: 'pg_class_oid_index',
    chart: 'tps',
    rule: 'connections_used',
    queryid: '1',
    probe: 'tables',
    overrideId: '1',
  };
  return pattern.replace(/\[([^\]]+)\]/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? '1'),
  );
}

const leaks = (text: string) => Object.values(SECRETS).filter((s) => text.includes(s));

test('pages without a valid session redirect to /login and show nothing of the page', async () => {
  const pages = pageUrlsFromFiles().filter((p) => !['/login', '/setup'].includes(p));
  expect(pages.length).toBeGreaterThan(10);
  // positive control: the markers are there for someone signed in
  const seen = await (await admin!.get(`/servers/${serverId}`)).text();
  expect(seen).toContain(SERVER_NAME);
  expect(seen).toContain(SQL_MARKER);
  const anonymous = await request.newContext({ baseURL: baseUrl(), maxRedirects: 0 });
  try {
    for (const pattern of pages) {
      for (const cookie of [undefined, 'pgvigil_session=x', `pgvigil_session=${'A'.repeat(43)}`]) {
        const res = await anonymous.get(fill(pattern), cookie ? { headers: { cookie } } : {});
        const what = `${fill(pattern)} with ${cookie ?? 'no cookie'}`;
        expect(res.status(), what).toBe(307);
        expect(new URL(res.headers().location ?? '', baseUrl()).pathname, what).toBe('/login');
        const body = await res.text();
        expect(body, what).not.toContain(SERVER_NAME);
        expect(body, what).not.toContain(SQL_MARKER);
      }
    }
    // the API answers 401 to them, never data
    const api = await anonymous.get(`/api/v1/servers/${serverId}`, {
      headers: { cookie: 'pgvigil_session=x' },
    });
    expect(api.status()).toBe(401);
    expect(await api.text()).not.toContain(SERVER_NAME);
  } finally {
    await anonymous.dispose();
  }
});

/** A raw HTTP GET: fetch may not set Host. */
function rawGet(
  pathname: string,
  host: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(baseUrl());
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: url.hostname, port: url.port, path: pathname, headers: { host } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
  });
}

test('Host check and security headers over real HTTP', async () => {
  const port = new URL(baseUrl()).port;
  for (const host of ['evil.example', `evil.example:${port}`, `attacker.test:${port}`]) {
    const res = await rawGet('/login', host);
    expect(res.status, host).toBe(421);
  }
  const page = await rawGet('/login', `127.0.0.1:${port}`);
  expect(page.status).toBe(200);
  const csp = String(page.headers['content-security-policy']);
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect(page.headers['referrer-policy']).toBe('same-origin');
  // every script of the page carries this response's nonce, the inline one included
  const scripts = page.body.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(2);
  for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
});

test('the setup token npm start printed is in PGVIGIL_HOME, readable by its owner only', async () => {
  const log = await readFile(process.env.PGVIGIL_E2E_LOG ?? '', 'utf8');
  const printed = /first-run setup token: (\S+)/.exec(log)?.[1];
  expect(printed).toBeTruthy();
  const file = path.join(process.env.PGVIGIL_E2E_HOME ?? '', 'setup.token');
  expect((await readFile(file, 'utf8')).trim()).toBe(printed);
  expect((await stat(file)).mode & 0o777).toBe(0o600);
});

test('no open redirect after sign-in: every payload in Chromium stays on pgvigil', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const origin = new URL(baseUrl()).origin;
  expect(OPEN_REDIRECT_PAYLOADS.length).toBeGreaterThanOrEqual(20);
  // a percent-encoded payload as written (the page gets it decoded once: `/%09/` is a tab),
  // any other encoded once (the page gets the payload itself)
  const asQuery = (payload: string) =>
    payload.includes('%') ? payload : encodeURIComponent(payload);
  const context = await browser.newContext();
  // nothing leaves the machine, even if a redirect were followed
  await context.route(/.*/, (route) =>
    /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/)/.test(route.request().url())
      ? route.continue()
      : route.abort(),
  );
  const page = await context.newPage();
  const signIn = async (next: string) => {
    await context.clearCookies();
    await page.goto(`${baseUrl()}/login?next=${next}`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname !== '/login', { waitUntil: 'commit' });
  };
  try {
    // through the form (the page the browser goes to once signed in), for the payloads of
    // each kind: tab, backslash, scheme, protocol-relative, encoded slash
    for (const payload of [
      '/%09/evil.example',
      '/\\evil.example',
      'https:evil.example',
      '//evil.example',
      '/%2F%2Fevil.example',
    ]) {
      await signIn(asQuery(payload));
      expect(new URL(page.url()).origin, `form, next=${payload}`).toBe(origin);
    }
    // signed in, the login page redirects to `next` itself: Chromium follows it for every payload
    for (const payload of OPEN_REDIRECT_PAYLOADS) {
      await page.goto(`${baseUrl()}/login?next=${asQuery(payload)}`, { waitUntil: 'commit' });
      expect(new URL(page.url()).origin, `signed in, next=${payload}`).toBe(origin);
      expect(new URL(page.url()).pathname, `signed in, next=${payload}`).not.toBe('/login');
    }
  } finally {
    await context.close();
  }
});

test('planted secrets never come back: API for every role, pages, logs, audit log, outbox', async () => {
  test.setTimeout(180_000);
  let responses = 0;
  const found: string[] = [];
  // every handler the file system holds, for each role (DELETE and sign-out left out: they destroy)
  const routes = routeMethodsFromFiles().filter(
    (r) => r.method !== 'DELETE' && !r.urlPattern.endsWith('/auth/logout'),
  );
  expect(routes.length).toBeGreaterThan(50);
  for (const [role, ctx] of Object.entries(contexts)) {
    for (const r of routes) {
      const url = fill(r.urlPattern);
      const res = await ctx!.fetch(url, {
        method: r.method,
        ...(r.method === 'GET'
          ? {}
          : { data: r.urlPattern.endsWith('/servers/test') ? { serverId } : {} }),
      });
      responses++;
      for (const s of leaks(`${await res.text()} ${JSON.stringify(res.headers())}`))
        found.push(`${role} ${r.method} ${url}: ${s}`);
    }
    for (const pattern of pageUrlsFromFiles()) {
      const res = await ctx!.get(fill(pattern));
      responses++;
      for (const s of leaks(await res.text())) found.push(`${role} page ${fill(pattern)}: ${s}`);
    }
  }
  // "send test" on each channel answers with the (redacted) failure
  for (const id of channelIds) {
    const res = await admin!.post(`/api/v1/channels/${id}/test`, { data: {} });
    const body = await res.text();
    expect(body).toMatch(/"ok":false/);
    for (const s of leaks(body)) found.push(`send test ${id}: ${s}`);
  }
  const log = await readFile(process.env.PGVIGIL_E2E_LOG ?? '', 'utf8');
  expect(log).toMatch(/\[web\]/);
  expect(log).toMatch(/\[collector\]/);
  expect(log).toMatch(/\[alerter\]/);
  for (const s of leaks(log)) found.push(`logs: ${s}`);
  const ds = await stackDatastore();
  try {
    const audit = await ds.query('SELECT * FROM audit_log');
    expect(audit.rows.length).toBeGreaterThan(5);
    for (const s of leaks(JSON.stringify(audit.rows))) found.push(`audit_log: ${s}`);
    const outbox = await ds.query(
      'SELECT payload, last_error, dedupe_key FROM notification_outbox WHERE channel_id = ANY($1)',
      [channelIds],
    );
    expect(outbox.rows.every((r: { last_error: string | null }) => r.last_error)).toBe(true);
    for (const s of leaks(JSON.stringify(outbox.rows))) found.push(`outbox: ${s}`);
  } finally {
    await ds.end();
  }
  expect(responses).toBeGreaterThan(200);
  expect(found).toEqual([]);
});
