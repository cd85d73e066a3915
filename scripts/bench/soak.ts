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
import { startEmbedded } from '@pgvigil/db/embedded';
import { startTcpProxy } from '@pgvigil/db/testing';
import { fmt } from './lib';
import { api, countingSink, startPlatform, type Platform } from './platform';
import { FAULTS, injectFault, WATCHED_SETTINGS, type FaultLog, type Watched } from './soak-faults';
import { notificationFigures, sampleFigures, startFeeder } from './soak-measure';
import { POOL_CAPS, resourceSampler, rowsWritten, rssGrowth, sessionLeaks } from './soak-resources';

const MINUTES = Number(process.env.PGVIGIL_SOAK_MINUTES ?? 12);
const FAULT_MINUTES = Number(process.env.PGVIGIL_SOAK_FAULT_MINUTES ?? 2);
const SERVERS = Number(process.env.PGVIGIL_SOAK_SERVERS ?? 20);
const WARM_UP_MS = 5 * 60_000;

async function startWatched(root: string, count: number): Promise<Watched[]> {
  const watched: Watched[] = [];
  for (let i = 0; i < count; i += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, count - i) }, async (_, j) => {
        const dataDir = path.join(root, `server${i + j}`);
        const server = await startEmbedded({
          dataDir,
          superuserPassword: 'soak',
          settings: WATCHED_SETTINGS,
        });
        return { id: 0, server, proxy: await startTcpProxy(server.port), dataDir };
      }),
    );
    watched.push(...batch);
  }
  return watched;
}

/** Registers every watched server (through its proxy) and a webhook channel to the sink. */
async function register(platform: Platform, watched: Watched[], sinkUrl: string): Promise<number> {
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
    config: { url: sinkUrl },
    minSeverity: 'info',
  });
  return channel.body.channel.id;
}

export async function benchSoak(): Promise<Record<string, number>> {
  const root = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-soak-'));
  await chmod(root, 0o755);
  const watched = await startWatched(root, SERVERS);
  const sink = await countingSink(200);
  const platform = await startPlatform();
  const started = Date.now();
  const resources = resourceSampler(platform, () => watched.map((w) => w.server), started);
  const log: FaultLog = { restores: [], heals: {}, collectorDown: [] };
  let stopFeeder: (() => Promise<string[]>) | null = null;
  let sampler: NodeJS.Timeout | null = null;
  try {
    stopFeeder = startFeeder(platform, await register(platform, watched, sink.url), 2000);
    sampler = setInterval(() => void resources.sample().catch(() => undefined), 30_000);
    const backMs = (FAULT_MINUTES * 60_000) / 2;
    for (let k = 1; k * FAULT_MINUTES < MINUTES; k++) {
      const due = started + k * FAULT_MINUTES * 60_000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      await injectFault(k, { platform, watched, started, backMs }, log);
    }
    await Promise.all(log.restores);
    await new Promise((r) => setTimeout(r, Math.max(0, started + MINUTES * 60_000 - Date.now())));
    clearInterval(sampler);
    sampler = null;
    await resources.sample();

    const fed = await stopFeeder();
    stopFeeder = null;
    const store = await platform.datastoreUrl();
    const notes = await notificationFigures(store, sink.keys, fed);
    const ids = watched.map((w) => w.id);
    const samples = await sampleFigures(store, ids, new Date(started + 60_000), log.collectorDown);
    const growth = rssGrowth(resources.rss, WARM_UP_MS);
    const sessions = sessionLeaks(resources.sessions, SERVERS);
    const written = await rowsWritten(store, new Date(started));

    console.log(
      `soak: ${SERVERS} servers for ${MINUTES} min, a fault every ${FAULT_MINUTES} min (${FAULTS.join(', ')})`,
    );
    for (const [name, g] of Object.entries(growth)) {
      const sign = g.mbPerHour >= 0 ? '+' : '';
      console.log(
        `  ${name}: RSS ${fmt(g.lastMb)} MB at the end, ${sign}${fmt(g.mbPerHour, 1)} MB/h over ${fmt(g.minutes)} min of one process`,
      );
    }
    console.log(
      `  datastore sessions: most seen per app ${JSON.stringify(sessions.most)} (pool caps ${JSON.stringify(POOL_CAPS)}), at the end ${JSON.stringify(sessions.last?.datastore)}; pgvigil sessions on the watched servers: at most ${sessions.mostOnServers}, at the end ${sessions.last?.watched} (cap ${2 * SERVERS}); leaked: ${sessions.leaked}`,
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
    for (const [target, times] of Object.entries(log.heals)) {
      const list = times.map((t) => `${fmt(t / 1000, 1)} s`).join(', ');
      console.log(`  ${target} killed ${times.length}x, healthy again after ${list}`);
    }
    return {
      minutes: MINUTES,
      collectorMbPerHour: growth.collector?.mbPerHour ?? 0,
      alerterMbPerHour: growth.alerter?.mbPerHour ?? 0,
      webMbPerHour: growth.web?.mbPerHour ?? 0,
      rowsPerMinutePerServer: written / MINUTES / SERVERS,
      leakedSessions: sessions.leaked,
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
