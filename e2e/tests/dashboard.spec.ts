import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';

// The DBA's drill-down against the real stack monitoring a real PostgreSQL under a
// bounded pgbench-like workload. The cluster's probes run every 10 s, and the test
// waits for three samples (two rates, a line) before it opens the browser.

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';
const artifacts = path.join(import.meta.dirname, '..', 'artifacts');
// The admin admin.spec.ts creates at first run; created here if this spec runs alone.
const ADMIN = { username: 'admin', password: 'violet-harbour-42' };
const VIEWER = { username: 'dba-viewer', password: 'quiet-lantern-73-e2e' };
const MONITOR = { user: 'pgvigil_dash', password: 'dash-monitor-pw' };

let root = '';
let target: EmbeddedServer | undefined;
let api: APIRequestContext | undefined;
let serverId = 0;
let clusterId = 0;
let stopWorkload: (() => Promise<number>) | undefined;
// A session holding a lock another waits for: the server page's blocking tree.
let holder: pg.Client | undefined;
let waiter: pg.Client | undefined;
let waiting: Promise<unknown> | undefined;
let holderPid = 0;

/** A bounded pgbench-like load: short read-write transactions, some rolled back. */
function startWorkload(url: string, clients: number, maxTransactions: number) {
  let stop = false;
  let done = 0;
  const run = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      while (!stop && done < maxTransactions) {
        const id = 1 + Math.floor(Math.random() * 1000);
        await c.query('BEGIN');
        await c.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [id]);
        await c.query('INSERT INTO history (account_id, delta) VALUES ($1, 1)', [id]);
        await c.query('SELECT balance FROM accounts WHERE id = $1', [id]);
        await c.query(done % 20 === 0 ? 'ROLLBACK' : 'COMMIT');
        done++;
        if (done % 50 === 0) await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await c.end();
    }
  };
  const runners = Array.from({ length: clients }, run);
  return async () => {
    stop = true;
    await Promise.allSettled(runners);
    return done;
  };
}

/** The stack's embedded datastore, to plant an alert row the way the alerter writes it. */
async function datastore(): Promise<pg.Client> {
  const home = process.env.PGVIGIL_E2E_HOME ?? '';
  const moved = await readFile(path.join(home, 'pgdata.location'), 'utf8').catch(() => null);
  const dataDir = moved?.trim() || path.join(home, 'pgdata');
  const port = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[3];
  const password = (await readFile(path.join(home, 'datastore.password'), 'utf8')).trim();
  const c = new pg.Client({
    host: '127.0.0.1',
    port: Number(port),
    user: 'postgres',
    password,
    database: 'pgvigil',
  });
  await c.connect();
  return c;
}

async function json<T>(res: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  const body = await res.json();
  if (!res.ok()) throw new Error(`${res.url()}: ${res.status()} ${JSON.stringify(body)}`);
  return body as T;
}

test.beforeAll(async () => {
  test.setTimeout(360_000);
  root = await mkdtemp(path.join(tmpdir(), 'pgvigil-e2e-dash-'));
  await chmod(root, 0o755);
  target = await startEmbedded({
    dataDir: path.join(root, 'data'),
    major: 18,
    superuserPassword: 'dash-superuser',
    settings: { shared_preload_libraries: 'pg_stat_statements', fsync: 'off' },
  });
  const su = new pg.Client({ connectionString: target.url() });
  await su.connect();
  await su.query(
    `CREATE ROLE ${MONITOR.user} LOGIN PASSWORD '${MONITOR.password}' IN ROLE pg_monitor`,
  );
  await su.query('CREATE EXTENSION pg_stat_statements');
  await su.query('CREATE DATABASE shop');
  await su.end();
  const shopUrl = target.url('shop');
  const shop = new pg.Client({ connectionString: shopUrl });
  await shop.connect();
  await shop.query(`CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL);
                    INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 1000) g;
                    CREATE TABLE history (id bigserial PRIMARY KEY, account_id int, delta int, at timestamptz DEFAULT now());
                    -- two identical indexes: the index list must flag the second as a duplicate
                    CREATE INDEX history_account ON history (account_id);
                    CREATE INDEX history_account_again ON history (account_id);
                    CREATE TABLE audit_log (event text);
                    INSERT INTO audit_log VALUES ('created');`);
  await shop.end();
  stopWorkload = startWorkload(shopUrl, 2, 300_000);
  holder = new pg.Client({ connectionString: shopUrl, application_name: 'e2e-holder' });
  await holder.connect();
  holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  // a row lock, not a table lock: the collector's own catalog reads must not wait
  await holder.query('BEGIN');
  await holder.query("UPDATE audit_log SET event = 'held'");
  waiter = new pg.Client({ connectionString: shopUrl, application_name: 'e2e-waiter' });
  await waiter.connect();
  // bounded: the wait ends when afterAll rolls the holder back, or after 10 minutes
  await waiter.query("SET statement_timeout = '600s'");
  waiting = waiter.query("UPDATE audit_log SET event = 'waiting'").catch(() => undefined);

  api = await request.newContext({
    baseURL: baseUrl(),
    extraHTTPHeaders: { Origin: baseUrl() },
  });
  const setup = await json<{ needed: boolean }>(await api.get('/api/v1/setup'));
  if (setup.needed) await json(await api.post('/api/v1/setup', { data: ADMIN }));
  else await json(await api.post('/api/v1/auth/login', { data: ADMIN }));
  const viewer = await api.post('/api/v1/users', { data: { ...VIEWER, role: 'viewer' } });
  expect([201, 409]).toContain(viewer.status());
  const cluster = await json<{ cluster: { id: number } }>(
    await api.post('/api/v1/clusters', { data: { name: 'e2e-shop', environment: 'production' } }),
  );
  clusterId = cluster.cluster.id;
  // Every probe of the cluster every 10 s rather than every 1-60 min (an admin's cluster
  // override, as the Probes page sets it): the rates the pages draw need two samples.
  const { probes } = await json<{
    probes: { probe: string; intervalSeconds: { value: number } }[];
  }>(await api.get(`/api/v1/probe-settings?clusterId=${clusterId}&limit=500`));
  for (const p of probes.filter((p) => p.intervalSeconds.value > 10)) {
    await json(
      await api.put(`/api/v1/probe-settings/${p.probe}?clusterId=${clusterId}`, {
        data: { intervalSeconds: 10 },
      }),
    );
  }
  const server = await json<{ server: { id: number } }>(
    await api.post('/api/v1/servers', {
      data: {
        name: 'e2e-shop-primary',
        url: `postgresql://${MONITOR.user}:${MONITOR.password}@127.0.0.1:${target.port}/postgres?sslmode=disable`,
        clusterId,
      },
    }),
  );
  serverId = server.server.id;

  // Poll the chart API as a script would until two rates exist.
  await expect
    .poll(
      async () => {
        const now = new Date();
        const from = new Date(now.getTime() - 15 * 60_000).toISOString();
        const chart = await json<{ rows: Array<Record<string, number | null>> }>(
          await api!.get(
            `/api/v1/servers/${serverId}/metrics/tps?from=${from}&to=${now.toISOString()}`,
          ),
        );
        return chart.rows.filter((r) => (r.xact_commit ?? 0) > 1).length >= 2;
      },
      { timeout: 240_000, intervals: [2_000] },
    )
    .toBe(true);

  const ds = await datastore();
  try {
    // Its own disabled rule, so the alerter's evaluation never resolves it mid-test.
    await ds.query(
      `WITH r AS (
         INSERT INTO rules (key, name, kind, enabled) VALUES ('e2e-dashboard', 'Cache hit ratio (e2e)', 'custom', false)
         ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name RETURNING id)
       INSERT INTO alerts (rule_id, server_id, database_name, fingerprint, state, severity, message, fired_at)
       SELECT id, $1::bigint, 'shop', 'e2e-dashboard-' || $1::text, 'firing', 'warning',
              'e2e: planted alert on database shop', now() - interval '5 minutes'
         FROM r`,
      [serverId],
    );
  } finally {
    await ds.end();
  }
});

test.afterAll(async () => {
  const transactions = await stopWorkload?.();
  console.log(`dashboard e2e: workload ran ${transactions ?? 0} transactions`);
  try {
    await holder?.query('ROLLBACK').catch(() => undefined);
    await waiting;
    await Promise.allSettled([holder?.end(), waiter?.end()]);

    await api?.dispose();
  } finally {
    // the monitored server must never outlive the test, whatever failed before
    await target?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  }
});

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(artifacts, `dashboard-${name}.png`), fullPage: true });

/**
 * A chart has drawn real data: an SVG area series, not the empty, error or loading state.
 * Scrolled to first, as a reader would: a chart below the fold is drawn when it nears the view.
 */
async function expectChartDrawn(page: Page, chart: string) {
  const panel = page.locator(`[data-chart="${chart}"]`).first();
  await panel.scrollIntoViewIfNeeded();
  await expect(panel.locator('svg .recharts-area').first()).toBeAttached();
  await expect(panel).not.toContainText('No data');
}

test('a viewer drills fleet -> cluster -> server -> database -> table -> index with real numbers, changes the range and follows an alert', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel('User name').fill(VIEWER.username);
  await page.getByLabel('Password').fill(VIEWER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`${baseUrl()}/`);

  // Fleet: navigation without admin entries, the alert on top, the server with a live TPS.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Fleet' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  // The alerter may resolve the planted alert or fire its own (e.g. a recent restart):
  // either way there is an active alert on the server, linking to its page and window.
  const alertLink = page
    .getByRole('list', { name: 'Active alerts' })
    .getByRole('listitem')
    .filter({ hasText: 'e2e-shop-primary' })
    .first()
    .getByRole('link');
  const alertHref = await alertLink.getAttribute('href');
  expect(alertHref).toMatch(new RegExp(`^/servers/${serverId}(/databases/shop)?\\?from=`));
  await page.getByLabel('Search servers').fill('e2e-shop');
  const row = page.getByRole('row', { name: /e2e-shop-primary/ });
  await expect(row).toBeVisible();
  const tps = await row.locator('td').nth(5).innerText();
  expect(Number.parseFloat(tps)).toBeGreaterThan(0);
  await shot(page, 'fleet');

  // Cluster
  await row.getByRole('link', { name: 'e2e-shop', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/clusters/${clusterId}`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('e2e-shop');
  await expect(page.getByRole('table')).toContainText('e2e-shop-primary');
  await expectChartDrawn(page, 'tps');
  // The topology: the one member, known as the primary from its own wal_receiver sample.
  const topology = page.getByRole('img', { name: /^Replication topology: 1 nodes, 0 links/ });
  await expect(topology).toContainText('e2e-shop-primary');
  await expect(topology).toContainText('primary');
  await shot(page, 'cluster');

  // Server: summary, charts with data, databases with real rates.
  await page.getByRole('table').getByRole('link', { name: 'e2e-shop-primary' }).click();
  await expect(page).toHaveURL(new RegExp(`/servers/${serverId}`));
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText('e2e-shop');
  await expect(page.locator('.summary-list')).toContainText(/warning|critical/);
  await expectChartDrawn(page, 'tps');
  await expectChartDrawn(page, 'sessions');
  // a server monitored for minutes has no anomaly baseline: its chart says so, draws none
  await expect(page.locator('[data-chart="tps"] h2')).toContainText('baseline warming up');
  await expect(page.locator('[data-chart="tps"] .recharts-legend-wrapper')).not.toContainText(
    'expected',
  );
  const dbRow = page.getByRole('row', { name: /^shop/ });
  await expect(dbRow).toBeVisible();
  expect(Number.parseFloat(await dbRow.locator('td').nth(1).innerText())).toBeGreaterThan(0);
  // Live sessions and the blocking tree: the holder at the root, the waiter under it.
  const tree = page.getByRole('list', { name: 'Blocking tree' });
  await expect(tree).toContainText(`pid ${holderPid}`);
  await expect(tree).toContainText("UPDATE audit_log SET event = 'waiting'");
  const sessions = page.getByRole('table', { name: 'Live sessions' });
  await expect(sessions.getByRole('row', { name: /e2e-holder/ })).toContainText(
    'idle in transaction',
  );
  await expect(page.getByRole('heading', { name: 'Settings changes' })).toBeVisible();
  await shot(page, 'server');
  // scripts/screenshot.ts: the README's picture, at laptop size, light theme.
  if (process.env.PGVIGIL_SCREENSHOT_OUT) {
    await page.mouse.move(0, 0); // no chart tooltip in the picture
    await page.screenshot({ path: process.env.PGVIGIL_SCREENSHOT_OUT });
  }

  // Query page: one statement of the workload from the window's top queries.
  await page
    .getByRole('region', { name: 'Top queries in this window' })
    .getByRole('link', { name: /UPDATE accounts SET balance/ })
    .first()
    .click();
  await expect(page).toHaveURL(new RegExp(`/servers/${serverId}/queries/-?\\d+$`));
  const queryid = decodeURIComponent(page.url().split('/queries/')[1]!);
  await expect(page.getByTestId('query-text')).toContainText('UPDATE accounts SET balance');
  const total = (label: string) =>
    page.locator('.facts div').filter({ hasText: label }).first().locator('dd');
  expect(Number.parseFloat(await total('Calls').innerText())).toBeGreaterThan(0);
  await expect(total('Mean time')).toHaveText(/^[\d.]+k? ms$/);
  expect(Number.parseFloat(await total('Rows per call').innerText())).toBe(1);
  await expectChartDrawn(page, 'query_calls');
  await expectChartDrawn(page, 'query_mean');
  await expectChartDrawn(page, 'query_rows');
  await shot(page, 'query');
  const to = new Date();
  const from = new Date(to.getTime() - 3600_000);
  const window = `from=${from.toISOString()}&to=${to.toISOString()}`;
  const history = await page.request.get(
    `${baseUrl()}/api/v1/servers/${serverId}/queries/${queryid}?${window}`,
  );
  expect(history.status()).toBe(200);
  const body = (await history.json()) as {
    totals: { calls: number; rows: number };
    points: { callsPerSecond: number }[];
  };
  expect(body.totals.rows).toBe(body.totals.calls);
  expect(body.points.some((p) => p.callsPerSecond > 0)).toBe(true);
  const unknown = await page.request.get(
    `${baseUrl()}/api/v1/servers/${serverId}/queries/12345?${window}`,
  );
  expect(unknown.status()).toBe(404);
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: 'e2e-shop-primary' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/servers/${serverId}$`));

  // Time range: a preset goes into the URL and the charts follow.
  await page.getByRole('radio', { name: '6h' }).click();
  await expect(page).toHaveURL(/range=6h/);
  await expectChartDrawn(page, 'tps');

  // Database
  await dbRow.getByRole('link', { name: 'shop' }).click();
  await expect(page).toHaveURL(new RegExp(`/servers/${serverId}/databases/shop\\?range=6h`));
  await expectChartDrawn(page, 'tps');
  await shot(page, 'database');

  // Database lists: tables (sortable), indexes with flags, tables without a primary key.
  const tables = page.getByRole('table', { name: 'Tables', exact: true });
  const accounts = tables.getByRole('row', { name: /public\.accounts/ });
  await expect(accounts).toBeVisible();
  expect(await accounts.locator('td').nth(1).innerText()).toMatch(/^[1-9][\d.]* (KiB|MiB)$/);
  await tables.getByRole('link', { name: 'Dead tuples' }).click();
  await expect(page).toHaveURL(/tsort=dead/);
  await expect(tables.getByRole('columnheader', { name: /Dead tuples/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  // A name filter (a GET form) keeps the range and the sort; an index matches by its table.
  await page.getByRole('searchbox', { name: 'Filter tables and indexes by name' }).fill('hist');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(/\?range=6h&tsort=dead&q=hist$/);
  await expect(tables.getByRole('row', { name: /public\.accounts/ })).toHaveCount(0);
  await expect(tables.getByRole('row', { name: /public\.history/ })).toBeVisible();
  const indexes = page.getByRole('table', { name: 'Indexes' });
  await expect(indexes.getByRole('row', { name: /history_account_again/ })).toContainText(
    'duplicate',
  );
  await page.getByRole('link', { name: 'Clear the filter' }).click();
  await expect(page).toHaveURL(/\?range=6h&tsort=dead$/);
  await expect(page.getByRole('table', { name: 'Tables without a primary key' })).toContainText(
    'public.audit_log',
  );
  await shot(page, 'database-lists');

  // Table: facts as of the newest sample, its own history, its indexes.
  await tables.getByRole('link', { name: 'public.accounts' }).click();
  await expect(page).toHaveURL(
    new RegExp(`/servers/${serverId}/databases/shop/tables/public/accounts\\?range=6h`),
  );
  await expect(page.getByRole('heading', { level: 1 })).toContainText('public.accounts');
  const fact = (label: string) =>
    page.locator('.facts div').filter({ hasText: label }).locator('dd');
  expect(await fact('Total size').innerText()).toMatch(/^[1-9][\d.]* (KiB|MiB)$/);
  expect(Number.parseFloat(await fact('Live tuples').innerText())).toBeGreaterThan(0);
  await expectChartDrawn(page, 'table_size');
  await shot(page, 'table');

  // Index: drilled from the table's own index list.
  await page
    .getByRole('table', { name: 'Indexes' })
    .getByRole('link', { name: 'public.accounts_pkey' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/indexes/public/accounts_pkey\\?range=6h`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('public.accounts_pkey');
  expect(await fact('Size').first().innerText()).toMatch(/^[1-9][\d.]* KiB$/);
  await expect(fact('Primary key')).toHaveText('yes');
  await expectChartDrawn(page, 'index_size');
  await shot(page, 'index');
  await page
    .getByRole('navigation', { name: 'Breadcrumb' })
    .getByRole('link', { name: 'public.accounts' })
    .click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('public.accounts');

  // An alert link opens the page and window it concerns.
  await page.goto(`${baseUrl()}${alertHref}`);
  await expect(page).toHaveURL(new RegExp(`/servers/${serverId}(/databases/shop)?\\?from=`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectChartDrawn(page, 'tps');
  await shot(page, 'alert-link');

  // Unknown or malformed ids at every level are a real 404, not a 200 whose streamed
  // body says "not found"; known ones still stream their loading skeleton first.
  const s = `/servers/${serverId}`;
  const unknown404 = [
    '/servers/abc',
    '/servers/999999',
    '/clusters/abc',
    '/clusters/999999',
    `${s}/databases/no_such_db`,
    `${s}/databases/no_such_db/tables/public/accounts`,
    `${s}/databases/shop/tables/public/no_such_table`,
    `${s}/databases/shop/indexes/public/no_such_index`,
    `${s}/queries/12345`,
    `${s}/queries/abc`,
  ];
  for (const url of unknown404) {
    const res = await page.goto(`${baseUrl()}${url}`);
    expect(res?.status(), url).toBe(404);
  }
  const known = [
    `/clusters/${clusterId}`,
    s,
    `${s}/databases/shop`,
    `${s}/databases/shop/tables/public/accounts`,
    `${s}/databases/shop/indexes/public/accounts_pkey`,
    `${s}/queries/${encodeURIComponent(queryid)}`,
  ];
  for (const url of known) {
    const res = await page.request.get(`${baseUrl()}${url}`);
    expect(res.status(), url).toBe(200);
    expect(await res.text(), url).toContain('skeleton-page');
  }
  // The server's log page: this server writes no log file pgvigil can read (no
  // logging_collector), and the page says what it needs.
  await page.goto(`${baseUrl()}${s}/logs`);
  await expect(page.getByRole('heading', { level: 1, name: 'Server log' })).toBeVisible();
  await expect(page.getByText('The server log is not collected')).toBeVisible();
  await expect(page.getByText('logging_collector writes csvlog')).toBeVisible();
  // A viewer asking for an admin page gets a redirect status, not a streamed one.
  const admin = await page.goto(`${baseUrl()}/admin/servers`);
  expect(admin?.request().redirectedFrom()?.url()).toMatch(/\/admin\/servers$/);
  await expect(page).toHaveURL(/forbidden=1/);
});

test("an alert's investigation names the blocker and its evidence opens the chart over the window", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const ds = await datastore();
  let alertId = 0;
  try {
    const [row] = (
      await ds.query<{ id: number }>(`SELECT id FROM alerts WHERE fingerprint = $1`, [
        `e2e-dashboard-${serverId}`,
      ])
    ).rows;
    alertId = row!.id;
  } finally {
    await ds.end();
  }
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel('User name').fill(VIEWER.username);
  await page.getByLabel('Password').fill(VIEWER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);

  // the same answer as the API, drawn as the panel
  const res = await page.request.get(`${baseUrl()}/api/v1/alerts/${alertId}/investigation`);
  expect(res.status()).toBe(200);
  const { investigation } = (await res.json()) as {
    investigation: { window: { from: string }; causes: { detector: string }[] };
  };
  expect(investigation.causes[0]?.detector).toBe('lockPileUp');

  await page.goto(`${baseUrl()}/alerts/${alertId}`);
  const panel = page.getByRole('region', { name: 'Investigation' });
  const top = panel.getByTestId('causes').locator('li[data-detector]').first();
  await expect(top).toHaveAttribute('data-detector', 'lockPileUp');
  await expect(top).toContainText(`lock pile-up behind pid ${holderPid}`);
  await expect(panel.locator('tr[data-kind="start"]')).toHaveCount(1);
  await shot(page, 'investigation');

  await top.locator('a[data-evidence="chart"]').first().click();
  await expect(page).toHaveURL(
    new RegExp(`/servers/${serverId}\\?from=.*&to=.*#chart-wait_events$`),
  );
  const url = new URL(page.url());
  expect(url.searchParams.get('from')).toBe(investigation.window.from);
  await expect(page.locator('#chart-wait_events')).toBeVisible();
  await expectChartDrawn(page, 'wait_events');
});

test('an admin reads the readiness of a database, exports it as Markdown and compares it with a server', async ({
  page,
}) => {
  await page.goto(`${baseUrl()}/login`);
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`${baseUrl()}/servers/${serverId}/databases/shop`);
  const tabs = page.getByRole('navigation', { name: 'Database views' });
  await tabs.getByRole('link', { name: 'Readiness' }).click();
  await expect(page).toHaveURL(new RegExp(`/servers/${serverId}/databases/shop/readiness$`));
  // read live as the pg_monitor role: wal_level is replica there, audit_log has no key
  await expect(page.getByRole('heading', { name: /Verdict/ })).toContainText('Blocked');
  const identity = page.locator('tr[data-check="replica_identity"]');
  await expect(identity).toContainText('blocker');
  await expect(identity).toContainText('public.audit_log');
  await expect(page.locator('tr[data-check="server_settings"]')).toContainText('wal_level');
  await page
    .getByRole('navigation', { name: 'Ready for' })
    .getByRole('link', { name: 'Migration' })
    .click();
  await expect(page).toHaveURL(/for=migration/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export Markdown' }).click(),
  ]);
  const markdown = await readFile(await download.path(), 'utf8');
  expect(markdown).toContain('# Readiness of shop on ');
  expect(markdown).toContain('ALTER TABLE public.audit_log ADD PRIMARY KEY');
  await shot(page, 'readiness');

  await tabs.getByRole('link', { name: 'Compare', exact: true }).click();
  await page.getByLabel('Target server').selectOption(String(serverId));
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/databases/shop/compare\\?with=${serverId}`));
  await expect(page.getByText('The schemas match')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Rows per table' })).toContainText(
    'public.accounts',
  );
});

test('a Prometheus scrape of /metrics with a metrics token holds the monitored server’s series', async () => {
  const made = await json<{ token: string }>(
    await api!.post('/api/v1/tokens', { data: { name: 'e2e prometheus', scope: 'metrics' } }),
  );
  const scrape = await request.newContext();
  try {
    const res = await scrape.get(`${baseUrl()}/metrics`, {
      headers: { Authorization: `Bearer ${made.token}` },
    });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/application\/openmetrics-text/);
    const text = await res.text();
    // the strict OpenMetrics parser of Prometheus' Python client accepts it
    const parsed = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\nprint(sum(len(f.samples) for f in p(sys.stdin.read())))',
      ],
      { input: text, encoding: 'utf8' },
    );
    expect(parsed.stderr).toBe('');
    expect(Number(parsed.stdout)).toBeGreaterThan(10);
    expect(text).toMatch(
      new RegExp(`pgvigil_database_stats_xact_commit_total\\{[^}]*server="e2e-shop-primary"`),
    );
    // the same token opens nothing else
    const other = await scrape.get(`${baseUrl()}/api/v1/servers`, {
      headers: { Authorization: `Bearer ${made.token}` },
    });
    expect(other.status()).toBe(403);
  } finally {
    await scrape.dispose();
  }
});
