import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import { stackDatastore, startStack, type Stack } from '../stack';

// The issue's finding, as an operator met it: the OOM killer takes the embedded
// datastore (kill -9 of the postmaster) while the collector collects and the
// alerter delivers. pgvigil must heal without a person, say so on every page
// meanwhile, and lose nothing it promised: buffered samples land once each,
// every pending notification goes out, twice only when it was in flight.

const artifacts = path.join(import.meta.dirname, '..', 'artifacts');
const ADMIN = { username: 'admin', password: 'violet-harbour-42' };
const MESSAGES = 30;
const BATCH = 4;

let root = '';
let target: EmbeddedServer | undefined;
let stack: Stack | undefined;
let sink: HttpServer | undefined;
const received: { key: string; at: number }[] = [];

test.afterAll(async () => {
  try {
    await stack?.stop();
  } finally {
    sink?.closeAllConnections();
    sink?.close();
    await target?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  }
});

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

async function health(base: string) {
  const res = await fetch(`${base}/api/v1/health`).catch(() => null);
  if (!res) return null;
  return {
    code: res.status,
    body: (await res.json()) as {
      status: string;
      datastore: { reachable: boolean; supervisor: { state: string; lastError: string | null } };
      problems: { code: string }[];
      components: { collector?: { info: Record<string, unknown> } };
    },
  };
}

/** Kills the postmaster as the OOM killer would and waits until it is gone. */
async function killDatastore(home: string): Promise<{ port: number }> {
  const { pid, port } = await stackDatastore(home);
  process.kill(pid, 'SIGKILL');
  await expect
    .poll(() => {
      try {
        process.kill(pid, 0);
        return 'alive';
      } catch {
        return 'gone';
      }
    })
    .toBe('gone');
  return { port };
}

async function json<T>(res: Awaited<ReturnType<APIRequestContext['post']>>): Promise<T> {
  expect(res.status(), await res.text()).toBeLessThan(300);
  return (await res.json()) as T;
}

test('kill -9 of the embedded datastore heals without a person; nothing promised is lost', async ({
  page,
}) => {
  test.setTimeout(360_000);
  root = await mkdtemp(path.join(tmpdir(), 'pgvigil-heal-'));
  await chmod(root, 0o755);
  target = await startEmbedded({ dataDir: path.join(root, 'target'), superuserPassword: 'target' });
  sink = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ key: String(req.headers['idempotency-key']), at: Date.now() });
      setTimeout(() => res.end('ok'), 400); // slow: deliveries are in flight at the kill
    });
  });
  await new Promise<void>((resolve) => sink!.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
  stack = await startStack({
    env: { ALERTER_DELIVERY_LEASE_SECONDS: '5', ALERTER_DELIVERY_BATCH: String(BATCH) },
  });
  const base = stack.baseUrl;
  const api = page.request;
  const headers = { Origin: base };
  await json(await api.post(`${base}/api/v1/setup`, { data: ADMIN, headers }));
  const { server } = await json<{ server: { id: number; name: string } }>(
    await api.post(`${base}/api/v1/servers`, {
      headers,
      data: {
        name: 'heal-target',
        url: `postgresql://postgres:target@127.0.0.1:${target.port}/postgres?sslmode=disable`,
      },
    }),
  );
  for (const probe of ['connectivity', 'database_stats']) {
    await json(
      await api.put(`${base}/api/v1/probe-settings/${probe}`, {
        headers,
        data: { intervalSeconds: 5 },
      }),
    );
  }
  const { channel } = await json<{ channel: { id: number } }>(
    await api.post(`${base}/api/v1/channels`, {
      headers,
      data: { type: 'webhook', name: 'heal sink', config: { url: hook }, minSeverity: 'info' },
    }),
  );

  const store = (await stackDatastore(stack.home)).url;
  const samples = () =>
    query<{ at: Date }>(
      store,
      'SELECT collected_at AS at FROM metrics.connectivity WHERE server_id = $1 ORDER BY 1',
      [server.id],
    );
  await expect.poll(async () => (await samples()).length, { timeout: 120_000 }).toBeGreaterThan(2);

  // pending notifications, delivered 4 at a time to a slow sink
  await query(
    store,
    `INSERT INTO notification_outbox (channel_id, dedupe_key, kind, payload, next_attempt_at, created_at)
     SELECT $1, 'heal:' || i, 'firing',
            jsonb_build_object('kind', 'firing', 'title', 'message ' || i, 'severity', 'warning',
                               'rule', null, 'server', null, 'items', '[]'::jsonb,
                               'link', 'http://127.0.0.1/alerts', 'at', now()),
            now(), now()
       FROM generate_series(1, $2) i`,
    [channel.id, MESSAGES],
  );
  await expect.poll(() => received.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(BATCH);

  // 1. The kill, with the port taken meanwhile: the outage lasts until we free it,
  //    long enough to look at a page.
  const killedAt = Date.now();
  const { port } = await killDatastore(stack.home);
  const squatter: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    await expect
      .poll(async () => (await health(base))?.body.datastore.supervisor?.lastError ?? '')
      .toMatch(/Address already in use|could not create/);
    const during = (await health(base))!;
    expect(during.code).toBe(503);
    expect(during.body.problems.map((p) => p.code)).toEqual(['datastore_unreachable']);

    await page.goto(`${base}/servers/${server.id}`);
    const banner = page.getByTestId('self-health');
    await expect(banner).toContainText(
      /pgvigil's datastore has been unreachable since .+; restarting it \(attempt \d+\); the last try failed: .*Address already in use/,
    );
    await expect(page.getByTestId('datastore-down')).toContainText(
      'pgvigil cannot show this page right now',
    );
    await expect(page.locator('body')).not.toContainText(
      /Minified React error|could not be loaded/,
    );
    await page.screenshot({
      path: path.join(artifacts, 'self-healing-outage.png'),
      fullPage: true,
    });
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
  // the page loads for real by itself once the datastore is back
  await expect(page.getByRole('heading', { name: 'heal-target', level: 1 })).toBeVisible({
    timeout: 90_000,
  });
  await expect(page.getByTestId('self-health')).toHaveCount(0, { timeout: 30_000 });
  const firstHealedAfter = Date.now() - killedAt;

  // 2. A plain kill: healthy again without a person (about 5 s on a quiet machine; the
  //    bound is generous because a loaded machine is slower, and time is not the claim).
  const secondKill = Date.now();
  await killDatastore(stack.home);
  await expect
    .poll(async () => (await health(base))?.body.status ?? 'none', { timeout: 90_000 })
    .toBe('ok');
  const secondHealedAfter = Date.now() - secondKill;

  // Every pending notification went out; a key arrived twice only when it was in
  // flight at a kill (the sink had it, the datastore never heard), with the same id.
  await expect
    .poll(
      async () =>
        (
          await query<{ n: number }>(
            store,
            `SELECT count(*)::int AS n FROM notification_outbox WHERE status <> 'sent'`,
          )
        )[0]!.n,
      { timeout: 90_000 },
    )
    .toBe(0);
  const keys = received.map((r) => r.key).filter((k) => k.startsWith('heal:'));
  const distinct = new Set(keys);
  expect(distinct.size).toBe(MESSAGES);
  const duplicates = keys.length - distinct.size;
  // at most one batch is in flight at each of the two kills
  expect(duplicates).toBeLessThanOrEqual(2 * BATCH);
  const redelivered = await query<{ key: string }>(
    store,
    `SELECT dedupe_key AS key FROM notification_outbox WHERE attempts > 1`,
  );
  const twice = [...distinct].filter((k) => keys.indexOf(k) !== keys.lastIndexOf(k));
  expect(twice.every((k) => redelivered.some((r) => r.key === k))).toBe(true);

  // Samples: the collector kept collecting through both outages; what it buffered
  // landed, once each, with no hole longer than a missed interval or two. The
  // buffer is never empty for long (a sample waits up to a flush interval, and the
  // heartbeat can keep phase with the probes), so what must be gone is every row
  // buffered before the second heal.
  const healedAt = secondKill + secondHealedAfter;
  await expect
    .poll(
      async () => {
        const oldest = (await health(base))?.body.components.collector?.info.oldestBufferedAt;
        return oldest === null || (typeof oldest === 'string' && Date.parse(oldest) > healedAt);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  const info = (await health(base))!.body.components.collector!.info;
  expect(info.droppedRows).toBe(0);
  const rows = await samples();
  const times = rows.map((r) => r.at.getTime());
  expect(new Set(times).size).toBe(times.length);
  const during = times.filter((t) => t > killedAt && t < killedAt + firstHealedAfter);
  expect(during.length).toBeGreaterThan(0);
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  expect(Math.max(...gaps)).toBeLessThan(15_000);
  console.log(
    `self-healing e2e: healed ${(firstHealedAfter / 1000).toFixed(1)} s after a kill with the port ` +
      `taken meanwhile, ${(secondHealedAfter / 1000).toFixed(1)} s after a plain kill; ` +
      `${during.length} connectivity samples buffered through the first outage, 0 dropped, ` +
      `0 written twice; ${MESSAGES} notifications delivered, ${duplicates} twice (in flight at a kill)`,
  );
});
