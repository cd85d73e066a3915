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
import { queryidOf } from './dashboard-seed';
import type { BenchStore } from './dashboard-store';
import { fmt, fmtMs, percentiles, postmasterPidOf, summarize, treeCpuMs } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
// 20: a p95 of 10 loads is nearly the slowest one
const RENDER_RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 20);
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

/** One dashboard page to time: its path and what "drawn" waits for beyond the charts. */
export interface PageSpec {
  name: string;
  path: string;
  /** at least this many links in a data table's body (the fleet's first page of servers) */
  rows?: number;
  /** the page has no time range: timed once, not at each range */
  unranged?: boolean;
}

/**
 * Milliseconds from the start of navigation (the page's time origin) until the page is
 * drawn as a reader sees it: its heading is there, no loading skeleton is left in the
 * viewport, every chart panel in the viewport shows a drawn Recharts area (or its empty
 * state), and, for a list, its first rows are there. Charts below the fold are not waited
 * for: a reader sees them only after scrolling (and lazy charts draw only then).
 */
export async function pageDrawn(page: Page, url: string, rows = 0): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  // No named inner functions: tsx would wrap them in a helper the page does not have.
  const done = await page.waitForFunction(
    (minRows: number) => {
      if (!document.querySelector('main h1')) return false;
      const height = window.innerHeight;
      const visible = [...document.querySelectorAll('.skeleton, .skeleton-page, [data-chart]')]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.bottom > 0 && r.top < height && r.height > 0)
        .map(({ el }) => el);
      if (visible.some((el) => !el.hasAttribute('data-chart'))) return false; // a skeleton
      const undrawn = visible.some(
        (p) => !p.querySelector('svg .recharts-area path, svg .recharts-line path, .empty-state'),
      );
      if (undrawn) return false;
      if (document.querySelectorAll('table.data tbody tr a').length < minRows) return false;
      return performance.now();
    },
    rows,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await done.jsonValue()) as number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/**
 * BENCH_PROFILE=<page>[,<range>]: one load of that page under Chromium's CPU profiler; prints
 * where the main thread's time went, by function (self time) and by script.
 */
async function profilePage(page: Page, url: string, rows = 0): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const ms = await pageDrawn(page, url, rows);
  const { profile } = (await cdp.send('Profiler.stop')) as {
    profile: {
      nodes: ProfileNode[];
      samples: number[];
      timeDeltas: number[];
    };
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const byScript = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const file = n.callFrame.url.split('/').pop() || '(native)';
    const name = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + dt);
    byScript.set(file, (byScript.get(file) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, t]) => `    ${t.toFixed(1).padStart(7)} ms  ${name}`)
      .join('\n');
  const dom = await page.evaluate(() => ({
    charts: document.querySelectorAll('[data-chart]').length,
    drawn: document.querySelectorAll('[data-chart] .recharts-wrapper').length,
    nodes: document.querySelectorAll('[data-chart] svg *').length,
    elements: document.getElementsByTagName('*').length,
    html: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
      .decodedBodySize,
  }));
  console.log(
    `  profile of ${url}: drawn at ${ms.toFixed(0)} ms, ${total.toFixed(0)} ms sampled; ${dom.drawn} of ${dom.charts} charts drawn, ${dom.nodes} SVG elements; ${dom.elements} elements in the page, a ${dom.html}-byte document`,
  );
  console.log(`  by script (self time):\n${top(byScript, 8)}`);
  console.log(`  by function (self time):\n${top(self, 25)}`);
  await cdp.detach();
}

export const RANGES = [
  ['1 h', ''],
  ['7 d', 'range=7d'],
  ['30 d', 'range=30d'],
] as const;

/** The processes whose CPU a page load is charged with, besides the browser's main thread. */
export interface ServedBy {
  /** the web app's process (its whole tree) */
  webPid: number;
  /** the datastore's postmaster (all its backends) */
  datastorePid: number;
}

/**
 * Signs in through the login page, then times each page at each range: p50 / p95 of the
 * wall time printed, and the CPU each load cost: the browser's main thread (Chromium's
 * `ThreadTime`), the web app's process and the datastore. On a machine shared with other
 * work the wall time mostly measures the queue for the CPU; the CPU per load does not
 * (much), and on a quiet machine the wall time is about that work plus round trips.
 */
export async function renderPages(
  base: string,
  pages: PageSpec[],
  ranges: readonly (readonly [string, string])[] = RANGES,
  servedBy?: ServedBy,
): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${base}/login`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    const profile = process.env.BENCH_PROFILE?.split(',');
    if (profile) {
      const spec = pages.find((p) => p.name === profile[0]);
      const range = ranges.find(([label]) => label === profile[1]) ?? ranges[0]!;
      if (!spec) throw new Error(`BENCH_PROFILE: no page ${profile[0]}`);
      const url = `${base}${spec.path}${range[1] ? `?${range[1]}` : ''}`;
      await pageDrawn(page, url, spec.rows);
      await profilePage(page, url, spec.rows);
      return;
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const threadMs = async () => {
      const { metrics } = (await cdp.send('Performance.getMetrics')) as {
        metrics: { name: string; value: number }[];
      };
      return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? 0) * 1000;
    };
    const cpu = async () => ({
      browser: await threadMs(),
      web: servedBy ? await treeCpuMs(servedBy.webPid) : 0,
      datastore: servedBy ? await treeCpuMs(servedBy.datastorePid) : 0,
    });
    for (const spec of pages) {
      for (const [label, query] of spec.unranged ? [['', ''] as const] : ranges) {
        const url = `${base}${spec.path}${query ? (spec.path.includes('?') ? '&' : '?') + query : ''}`;
        await pageDrawn(page, url, spec.rows); // warm-up: fills the datastore's and the server's caches
        const ms: number[] = [];
        const used = { browser: [] as number[], web: [] as number[], datastore: [] as number[] };
        for (let i = 0; i < RENDER_RUNS; i++) {
          const before = await cpu();
          ms.push(await pageDrawn(page, url, spec.rows));
          const after = await cpu();
          // a navigation that swapped the renderer process restarts its ThreadTime
          used.browser.push(Math.max(0, after.browser - before.browser) || after.browser);
          used.web.push(after.web - before.web);
          used.datastore.push(after.datastore - before.datastore);
        }
        const charts = await page.locator('[data-chart]').count();
        const total = summarize(used.browser.map((b, i) => b + used.web[i]! + used.datastore[i]!));
        const cpuLine = servedBy
          ? `; CPU per load p50: browser ${fmt(summarize(used.browser).p50)} ms, web ${fmt(summarize(used.web).p50)} ms, datastore ${fmt(summarize(used.datastore).p50)} ms; all three p50 / p95 ${fmt(total.p50)} / ${fmt(total.p95)} ms`
          : `; browser main-thread CPU per load ${fmtMs(summarize(used.browser))}`;
        console.log(
          `  ${spec.name} page${label ? `, ${label}` : ''}${charts ? ` (${charts} charts)` : ''}: ${fmtMs(summarize(ms))} (target p95 < 1000 ms)${cpuLine}`,
        );
      }
    }
    await cdp.detach();
  } finally {
    await browser.close();
  }
}

/** Runs `fn` against the production web app (`next start`) on the datastore at `url`. */
export async function withWebApp(
  url: string,
  home: string,
  fn: (base: string, token: string, servedBy: ServedBy) => Promise<void>,
): Promise<void> {
  const distDir = process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-bench';
  const env = { ...process.env, PGVIGIL_NEXT_DIST_DIR: distDir };
  // BENCH_WEB_BUILD=0: serve the build already in distDir (e.g. one made before a change)
  if (process.env.BENCH_WEB_BUILD !== '0') {
    console.log(`building the web app into apps/web/${distDir} (cached after the first time)...`);
    buildWeb(env);
  }
  await buildRuntime();
  const port = Number(process.env.BENCH_PORT ?? 0) || (await freePort());
  const web = webCommand();
  // BENCH_WEB_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p': node options of the web app only
  const nodeArgs = process.env.BENCH_WEB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(web.command, [...nodeArgs, ...web.args], {
    cwd: web.cwd,
    env: {
      ...env,
      ...web.env,
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
    const servedBy = { webPid: child.pid!, datastorePid: await postmasterPidOf(url) };
    await fn(base, await apiToken(base), servedBy);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Every dashboard page of the seeded datastore, on its focus server where it has one. */
async function dashboardPages(store: BenchStore): Promise<PageSpec[]> {
  const id = store.ids[0]!;
  const [c] = await store.db.query<{ cluster_id: number }>(
    'SELECT cluster_id FROM servers WHERE id = $1',
    [id],
  );
  const db = `/servers/${id}/databases/app`;
  const only = process.env.BENCH_PAGES?.split(',');
  return (
    [
      { name: 'fleet', path: '/', rows: Math.min(50, store.ids.length), unranged: true },
      { name: 'cluster', path: `/clusters/${c!.cluster_id}` },
      { name: 'server', path: `/servers/${id}` },
      { name: 'database', path: db },
      { name: 'table', path: `${db}/tables/public/t0001` },
      { name: 'index', path: `${db}/indexes/public/t0001_pkey` },
      // the focus server's busiest statement
      { name: 'query', path: `/servers/${id}/queries/${queryidOf(1)}` },
    ] satisfies PageSpec[]
  ).filter((p) => !only || only.includes(p.name));
}

export async function benchDashboardWeb(store: BenchStore): Promise<void> {
  await withWebApp(store.url, store.dir, async (base, token, servedBy) => {
    const end = await store.topUp();
    if (process.env.BENCH_HTTP !== '0') {
      console.log(`over HTTP (next start, API token):`);
      await http(base, token, store, end);
    }
    await store.topUp();
    if (chromiumAvailable()) {
      console.log(
        `in Chromium (navigation to the page drawn in the viewport, ${RENDER_RUNS} runs each):`,
      );
      await renderPages(base, await dashboardPages(store), RANGES, servedBy);
    } else {
      console.log(`in Chromium: skipped, no browser at ${chromiumPath()} (set PGVIGIL_CHROMIUM)`);
    }
  });
}
