// Soak: the platform as `npm start` runs it, watching PGVIGIL_SOAK_SERVERS (20) real
// PostgreSQL servers, each behind a loopback proxy, for PGVIGIL_SOAK_MINUTES (12; the
// full soak is 120) with a fault every PGVIGIL_SOAK_FAULT_MINUTES (2; full: 10), in
// turn: a monitored server stopped, the datastore killed with -9, an app killed with
// -9 (collector, alerter, web in turn), a server's network path blackholed. Stopped
// servers and blackholed paths come back after half the fault interval.
// Figures: RSS growth per hour of each process, connections left open, samples lost
// outside the documented outage, notifications lost and delivered twice.
//   PGVIGIL_SOAK_MINUTES=120 PGVIGIL_SOAK_FAULT_MINUTES=10 npx tsx scripts/bench/soak.ts
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import { startTcpProxy, type TcpProxy } from '@pgvigil/db/testing';
import { fmt } from './lib';
import {
  api,
  countingSink,
  rssMb,
  slopePerHour,
  startPlatform,
  type AppName,
  type Platform,
} from './platform';
import { notificationFigures, sampleFigures, startFeeder, type Window } from './soak-measure';

const MINUTES = Number(process.env.PGVIGIL_SOAK_MINUTES ?? 12);
const FAULT_MINUTES = Number(process.env.PGVIGIL_SOAK_FAULT_MINUTES ?? 2);
const SERVERS = Number(process.env.PGVIGIL_SOAK_SERVERS ?? 20);
const WARM_UP_MS = 5 * 60_000;
const FAULTS = ['server_stopped', 'datastore_killed', 'app_killed', 'path_blackholed'] as const;
const APPS = ['collector', 'alerter', 'web'] as const;

interface Watched {
  id: number;
  server: EmbeddedServer;
  proxy: TcpProxy;
  dataDir: string;
}

async function startWatched(root: string, count: number): Promise<Watched[]> {
  const watched: Watched[] = [];
  for (let i = 0; i < count; i += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, count - i) }, async (_, j) => {
        const dataDir = path.join(root, `server${i + j}`);
        const server = await startEmbedded({
          dataDir,
          superuserPassword: 'soak',
          settings: { max_connections: 30, shared_buffers: '16MB' },
        });
        return { id: 0, server, proxy: await startTcpProxy(server.port), dataDir };
      }),
    );
    watched.push(...batch);
  }
  return watched;
}

async function datastoreSessions(url: string): Promise<Record<string, number> | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const { rows } = await c.query<{ app: string; n: number }>(
      `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = 'pgvigil' AND pid <> pg_backend_pid() GROUP BY 1`,
    );
    return Object.fromEntries(rows.map((r) => [r.app, r.n]));
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function pgvigilSessions(server: EmbeddedServer): Promise<number | null> {
  const c = new pg.Client({ connectionString: server.url(), connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgvigil'`,
    );
    return rows[0]!.n;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Sample rows stored since `from`, all probes together. */
async function rowsWritten(url: string, from: Date): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // the probes' own tables (not their rollups)
    const tables = await c.query<{ name: string }>(
      `SELECT table_name AS name FROM metric_catalog ORDER BY 1`,
    );
    let total = 0;
    for (const t of tables.rows) {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM metrics."${t.name}" WHERE collected_at >= $1`,
        [from],
      );
      total += rows[0]!.n;
    }
    return total;
  } finally {
    await c.end();
  }
}

async function healthy(platform: Platform): Promise<boolean> {
  const res = await fetch(`${platform.baseUrl}/api/v1/health`).catch(() => null);
  return res?.status === 200;
}

async function until(check: () => Promise<boolean>, limitMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

export async function benchSoak(): Promise<Record<string, number>> {
  const root = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-soak-'));
  await chmod(root, 0o755);
  const watched = await startWatched(root, SERVERS);
  const sink = await countingSink(200);
  const platform = await startPlatform();
  const started = Date.now();
  const rss: Record<AppName | 'supervisor', { at: number; mb: number; pid: number }[]> = {
    supervisor: [],
    collector: [],
    alerter: [],
    web: [],
    datastore: [],
  };
  const sessions: { at: number; datastore: Record<string, number> | null; watched: number }[] = [];
  const collectorDown: Window[] = [];
  const heals: Record<string, number[]> = {};
  let stopFeeder: (() => Promise<string[]>) | null = null;
  let sampler: NodeJS.Timeout | null = null;
  try {
    for (const [i, w] of watched.entries()) {
      const res = await api<{ server: { id: number } }>(platform, 'POST', '/api/v1/servers', {
        name: `soak-${i + 1}`,
        url: `postgresql://postgres:soak@127.0.0.1:${w.proxy.port}/postgres?sslmode=disable`,
      });
      if (res.status !== 201) throw new Error(`cannot register a server: ${JSON.stringify(res)}`);
      w.id = res.body.server.id;
    }
    const channel = await api<{ channel: { id: number } }>(platform, 'POST', '/api/v1/channels', {
      type: 'webhook',
      name: 'soak sink',
      config: { url: sink.url },
      minSeverity: 'info',
    });
    stopFeeder = startFeeder(platform, channel.body.channel.id, 2000);

    const sample = async () => {
      const at = Date.now() - started;
      const pids = await platform.pids();
      const all = { ...pids, supervisor: platform.supervisorPid };
      for (const [name, pid] of Object.entries(all) as [keyof typeof rss, number][]) {
        const mb = await rssMb(pid);
        if (mb !== null) rss[name].push({ at, mb, pid });
      }
      const ds = await datastoreSessions(await platform.datastoreUrl().catch(() => ''));
      const counts = await Promise.all(watched.map((w) => pgvigilSessions(w.server)));
      sessions.push({
        at,
        datastore: ds,
        watched: counts.reduce<number>((a, n) => a + (n ?? 0), 0),
      });
    };
    sampler = setInterval(() => void sample().catch(() => undefined), 30_000);

    const restores: Promise<void>[] = [];
    for (let k = 1; k * FAULT_MINUTES < MINUTES; k++) {
      const due = started + k * FAULT_MINUTES * 60_000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const fault = FAULTS[(k - 1) % FAULTS.length]!;
      const back = (FAULT_MINUTES * 60_000) / 2;
      if (fault === 'server_stopped' || fault === 'path_blackholed') {
        const w = watched[(k * 7) % watched.length]!;
        if (fault === 'server_stopped') {
          await w.server.stop();
          restores.push(
            new Promise((r) => setTimeout(r, back)).then(async () => {
              w.server = await startEmbedded({
                dataDir: w.dataDir,
                port: w.server.port,
                superuserPassword: 'soak',
                settings: { max_connections: 30, shared_buffers: '16MB' },
              });
            }),
          );
        } else {
          w.proxy.blackhole(true);
          restores.push(
            new Promise((r) => setTimeout(r, back)).then(() => w.proxy.blackhole(false)),
          );
        }
        console.log(
          `soak: ${Math.round((Date.now() - started) / 60_000)} min: ${fault} (soak-${watched.indexOf(w) + 1})`,
        );
        continue;
      }
      const pids = await platform.pids();
      const target: AppName =
        fault === 'datastore_killed'
          ? 'datastore'
          : APPS[Math.floor((k - 1) / FAULTS.length) % APPS.length]!;
      const pid = pids[target];
      if (!pid) continue;
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const healedIn = await until(async () => {
        const now = await platform.pids();
        return now[target] !== undefined && now[target] !== pid && (await healthy(platform));
      }, 180_000);
      (heals[target] ??= []).push(healedIn ?? Number.NaN);
      if (target === 'collector') collectorDown.push({ from: killedAt, to: Date.now() + 60_000 });
      console.log(
        `soak: ${Math.round((killedAt - started) / 60_000)} min: ${target} killed with -9; healthy again after ${healedIn === null ? 'never' : `${fmt(healedIn / 1000, 1)} s`}`,
      );
    }
    await Promise.all(restores);
    await new Promise((r) => setTimeout(r, Math.max(0, started + MINUTES * 60_000 - Date.now())));
    clearInterval(sampler);
    sampler = null;
    await sample();

    const fed = await stopFeeder();
    stopFeeder = null;
    const store = await platform.datastoreUrl();
    const notes = await notificationFigures(store, sink.keys, fed);
    const samples = await sampleFigures(
      store,
      watched.map((w) => w.id),
      new Date(started + WARM_UP_MS / 5),
      collectorDown,
    );
    const growth = Object.fromEntries(
      Object.entries(rss).map(([name, points]) => {
        // the longest run of one process after the warm-up
        const runs = new Map<number, { at: number; mb: number }[]>();
        for (const p of points.filter((q) => q.at >= WARM_UP_MS))
          runs.set(p.pid, [...(runs.get(p.pid) ?? []), p]);
        const longest = [...runs.values()].sort((a, b) => b.length - a.length)[0] ?? [];
        const span = longest.length > 1 ? (longest.at(-1)!.at - longest[0]!.at) / 60_000 : 0;
        return [
          name,
          { mbPerHour: slopePerHour(longest), minutes: span, lastMb: points.at(-1)?.mb ?? 0 },
        ];
      }),
    );
    // each app's pool has a cap; sessions beyond it, or still open on a watched server
    // beyond its 2, would be leaked
    const caps: Record<string, number> = {
      'pgvigil-collector': 4,
      'pgvigil-alerter': 5,
      'pgvigil-web': 10,
    };
    const most: Record<string, number> = {};
    for (const s of sessions)
      for (const [app, n] of Object.entries(s.datastore ?? {}))
        if (app in caps) most[app] = Math.max(most[app] ?? 0, n);
    const last = sessions.at(-1);
    const leaked = {
      datastore: Object.entries(most).reduce((a, [app, n]) => a + Math.max(0, n - caps[app]!), 0),
      watched: Math.max(0, ...sessions.map((s) => s.watched - 2 * SERVERS)),
    };
    const written = await rowsWritten(await platform.datastoreUrl(), new Date(started));

    console.log(
      `soak: ${SERVERS} servers for ${MINUTES} min, a fault every ${FAULT_MINUTES} min (${FAULTS.join(', ')})`,
    );
    for (const [name, g] of Object.entries(growth)) {
      console.log(
        `  ${name}: RSS ${fmt(g.lastMb)} MB at the end, ${g.mbPerHour >= 0 ? '+' : ''}${fmt(g.mbPerHour, 1)} MB/h over ${fmt(g.minutes)} min of one process`,
      );
    }
    console.log(
      `  datastore sessions: most seen per app ${JSON.stringify(most)} (pool caps ${JSON.stringify(caps)}), at the end ${JSON.stringify(last?.datastore)}; pgvigil sessions on the watched servers: at most ${Math.max(...sessions.map((x) => x.watched))}, at the end ${last?.watched} (cap ${2 * SERVERS}); leaked: ${leaked.datastore + leaked.watched}`,
    );
    console.log(
      `  rows written: ${fmt(written)} in ${MINUTES} min, ${fmt(written / MINUTES / SERVERS, 1)} a minute per server`,
    );
    console.log(
      `  samples: ${samples.stored} connectivity samples, ${samples.duplicates} stored twice, ${samples.lostOutside} missing outside the documented outage (a collector restart), ${samples.lostDuring} within it`,
    );
    console.log(
      `  notifications: ${notes.queued} queued, ${notes.lost} lost, ${notes.duplicates} delivered twice (${notes.duplicatesNotRetried} of them not a retry after a failure)`,
    );
    for (const [target, times] of Object.entries(heals)) {
      console.log(
        `  ${target} killed ${times.length}x, healthy again after ${times.map((t) => `${fmt(t / 1000, 1)} s`).join(', ')}`,
      );
    }
    return {
      minutes: MINUTES,
      collectorMbPerHour: growth.collector?.mbPerHour ?? 0,
      alerterMbPerHour: growth.alerter?.mbPerHour ?? 0,
      webMbPerHour: growth.web?.mbPerHour ?? 0,
      rowsPerMinutePerServer: written / MINUTES / SERVERS,
      leakedDatastore: leaked.datastore,
      leakedWatched: leaked.watched,
      samplesLost: samples.lostOutside,
      samplesDuplicated: samples.duplicates,
      notificationsLost: notes.lost,
      notificationsDuplicated: notes.duplicates,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    await stopFeeder?.().catch(() => undefined);
    await platform.stop();
    await sink.close();
    await Promise.all(
      watched.map(async (w) => {
        await w.proxy.close();
        await w.server.stop();
      }),
    );
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSoak();
