// The dashboard over the real web app (production build, `next start`) on the seeded
// datastore: p50 / p95 of the /api/v1 reads over HTTP with an API token (route, auth and
// JSON included), and the time from navigation to every chart of the server page drawn
// in Chromium. Only the web app runs: no collector or alerter competes for the CPU.
import { spawn } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';
import { chromiumArgs, chromiumAvailable, chromiumPath } from '@pgvigil/e2e/chromium';
import { freePort } from '@pgvigil/db/embedded';
import { buildRuntime } from '../lib/runtime';
import { buildWeb, waitForWeb, webCommand } from '../lib/web';
import type { BenchStore } from './dashboard-store';
import { fmt, fmtMs, percentiles, summarize } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const RENDER_RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 10);
const DAY = 86_400_000;
export const ADMIN = { username: 'benchadmin', password: 'Dashboard-seeded-2026!' };

/** Signs in over the API (creating the first admin on a fresh datastore) and returns an API token. */
export async function apiToken(base: string): Promise<string> {
  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  let res = await post('/api/v1/auth/login', ADMIN);
  if (res.status === 401) res = await post('/api/v1/setup', ADMIN);
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const created = await post('/api/v1/tokens', { name: `bench ${Date.now()}` }, cookie);
  if (!created.ok) throw new Error(`token: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}

async function http(base: string, token: string, store: BenchStore, end: Date): Promise<void> {
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const focus = store.ids[0]!;
  const fleet = await percentiles(RUNS, () => get('/api/v1/fleet?sort=severity&dir=desc&limit=50'));
  console.log(`  GET /api/v1/fleet (first page of 50, by health): ${fmtMs(fleet)}`);
  for (const days of [7, 30].filter((d) => d <= store.state.days)) {
    const q = new URLSearchParams({
      from: new Date(end.getTime() - days * DAY).toISOString(),
      to: end.toISOString(),
    });
    for (const chart of ['tps', 'io']) {
      const t = await percentiles(RUNS, () =>
        get(`/api/v1/servers/${focus}/metrics/${chart}?${q}`),
      );
      console.log(`  GET .../metrics/${chart}, ${days} days: ${fmtMs(t)}`);
    }
  }
  for (const sort of ['size', 'dead']) {
    const t = await percentiles(RUNS, () =>
      get(`/api/v1/servers/${focus}/databases/app/tables?sort=${sort}`),
    );
    console.log(`  GET .../databases/app/tables?sort=${sort}: ${fmtMs(t)}`);
  }
}

interface RenderTimes {
  /** every chart drawn */
  drawn: number;
  /** the server-rendered document fully received */
  document: number;
  /** the last chart API response fully received (the document, when the page carried the data) */
  charts: number;
}

/**
 * Milliseconds from the start of navigation (the page's time origin) until every chart
 * panel shows a drawn Recharts area, measured in the page, with the two waits behind it.
 */
async function renderTimes(page: Page, url: string): Promise<RenderTimes> {
  await page.goto(url, { waitUntil: 'commit' });
  const done = await page.waitForFunction(
    () => {
      const panels = [...document.querySelectorAll('[data-chart]')];
      const drawn = panels.filter((p) => p.querySelector('svg .recharts-area path'));
      if (panels.length === 0 || drawn.length < panels.length) return false;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const api = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/metrics/'))
        .map((e) => (e as PerformanceResourceTiming).responseEnd);
      // charts read while the page rendered arrive with the document
      const charts = api.length ? Math.max(...api) : nav.responseEnd;
      return { drawn: performance.now(), document: nav.responseEnd, charts };
    },
    null,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await done.jsonValue()) as RenderTimes;
}

async function render(base: string, serverId: number): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${base}/login`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    for (const [label, query] of [
      ['default range (1 hour, raw rows)', ''],
      ['7 days (5-minute rollups)', '?range=7d'],
      ['30 days (hourly rollups)', '?range=30d'],
    ] as const) {
      const url = `${base}/servers/${serverId}${query}`;
      await renderTimes(page, url); // warm-up: fills the datastore's and the server's caches
      const runs: RenderTimes[] = [];
      for (let i = 0; i < RENDER_RUNS; i++) runs.push(await renderTimes(page, url));
      const charts = await page.locator('[data-chart]').count();
      const p50 = (k: keyof RenderTimes) => fmt(summarize(runs.map((r) => r[k])).p50);
      console.log(
        `  server page, ${label}, ${charts} charts drawn: ${fmtMs(summarize(runs.map((r) => r.drawn)))} (p50: document received at ${p50('document')} ms, last chart data at ${p50('charts')} ms)`,
      );
    }
  } finally {
    await browser.close();
  }
}

/** Runs `fn` against the production web app (`next start`) on the datastore at `url`. */
export async function withWebApp(
  url: string,
  home: string,
  fn: (base: string, token: string) => Promise<void>,
): Promise<void> {
  const distDir = process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-bench';
  const env = { ...process.env, PGVIGIL_NEXT_DIST_DIR: distDir };
  console.log(`building the web app into apps/web/${distDir} (cached after the first time)...`);
  buildWeb(env);
  await buildRuntime();
  const port = Number(process.env.BENCH_PORT ?? 0) || (await freePort());
  const web = webCommand();
  const child = spawn(web.command, web.args, {
    cwd: web.cwd,
    env: {
      ...env,
      DATABASE_URL: url,
      PGVIGIL_HOME: home,
      PORT: String(port),
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    if (!(await waitForWeb(port, 60_000))) throw new Error('the web app did not answer in 60 s');
    const base = `http://127.0.0.1:${port}`;
    await fn(base, await apiToken(base));
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchDashboardWeb(store: BenchStore): Promise<void> {
  await withWebApp(store.url, store.dir, async (base, token) => {
    const end = await store.topUp();
    console.log(`over HTTP (next start, API token):`);
    await http(base, token, store, end);
    await store.topUp();
    if (chromiumAvailable()) {
      console.log(`in Chromium (navigation to every chart drawn, ${RENDER_RUNS} runs each):`);
      await render(base, store.ids[0]!);
    } else {
      console.log(`in Chromium: skipped, no browser at ${chromiumPath()} (set PGVIGIL_CHROMIUM)`);
    }
  });
}
