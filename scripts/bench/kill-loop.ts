// Kill loop: the platform as `npm start` runs it, watching 5 servers while a message
// is queued every 250 ms for a slow webhook, and one app killed with -9 every
// BENCH_KILL_EVERY_SECONDS (20) for BENCH_KILL_MINUTES (5): collector, alerter, web
// in turn. Figures: notifications lost and delivered twice (only those in flight may
// be), how long a killed collector's servers wait for their leases to be taken over,
// whether the signed-in session survives the web app's deaths, samples lost.
//   BENCH_KILL_MINUTES=10 npx tsx scripts/bench/kill-loop.ts
import pg from 'pg';
import { benchServer, fmt } from './lib';
import { api, countingSink, startPlatform, type Platform } from './platform';
import { notificationFigures, sampleFigures, startFeeder, type Window } from './soak-measure';

const MINUTES = Number(process.env.BENCH_KILL_MINUTES ?? 5);
const EVERY_SECONDS = Number(process.env.BENCH_KILL_EVERY_SECONDS ?? 20);
const SERVERS = 5;
const APPS = ['collector', 'alerter', 'web'] as const;

async function leaseHolders(store: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: store, connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const { rows } = await c.query<{ id: string }>(
      `SELECT DISTINCT collector_id AS id FROM collector_leases WHERE expires_at > now()`,
    );
    return rows.map((r) => r.id);
  } catch {
    return [];
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function waitFor(check: () => Promise<boolean>, limitMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

async function signedIn(platform: Platform): Promise<number> {
  const res = await fetch(`${platform.baseUrl}/api/v1/auth/me`, {
    headers: { cookie: platform.cookie },
  }).catch(() => null);
  return res?.status ?? 0;
}

export async function benchKillLoop(): Promise<Record<string, number>> {
  const { server, done } = await benchServer('kill-loop', { max_connections: 60 });
  const sink = await countingSink(300);
  const platform = await startPlatform({ ALERTER_DELIVERY_LEASE_SECONDS: '10' });
  let stopFeeder: (() => Promise<string[]>) | null = null;
  try {
    const ids: number[] = [];
    for (let i = 1; i <= SERVERS; i++) {
      const res = await api<{ server: { id: number } }>(platform, 'POST', '/api/v1/servers', {
        name: `kill-${i}`,
        url: `postgresql://postgres:bench@127.0.0.1:${server.port}/postgres?sslmode=disable`,
      });
      ids.push(res.body.server.id);
    }
    const channel = await api<{ channel: { id: number } }>(platform, 'POST', '/api/v1/channels', {
      type: 'webhook',
      name: 'kill sink',
      config: { url: sink.url },
      minSeverity: 'info',
    });
    const store = await platform.datastoreUrl();
    await waitFor(async () => (await leaseHolders(store)).length === 1, 120_000);
    const started = Date.now();
    stopFeeder = startFeeder(platform, channel.body.channel.id, 250);

    const takeovers: number[] = [];
    const sessions = { kept: 0, lost: 0 };
    const restarts: Record<string, number[]> = {};
    const documented: Window[] = [];
    for (let k = 0; Date.now() - started < MINUTES * 60_000; k++) {
      await new Promise((r) => setTimeout(r, EVERY_SECONDS * 1000));
      const app = APPS[k % APPS.length]!;
      const pids = await platform.pids();
      const pid = pids[app];
      if (!pid) continue;
      // `npm start` runs the collector and the alerter in one engine process: killing
      // the alerter kills the collector too
      const hostsCollector = pids.collector === pid;
      const before = await leaseHolders(store);
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      const back = await waitFor(async () => {
        const now = (await platform.pids())[app];
        return now !== undefined && now !== pid;
      }, 120_000);
      (restarts[app] ??= []).push(back ?? Number.NaN);
      if (hostsCollector) {
        // the new process takes the dead one's servers once their leases expire
        const took = await waitFor(async () => {
          const holders = await leaseHolders(store);
          return holders.length === 1 && !before.includes(holders[0]!);
        }, 120_000);
        takeovers.push(took === null ? Number.NaN : Date.now() - killedAt);
        documented.push({ from: killedAt, to: Date.now() + 30_000 });
      }
      if (app === 'web') {
        await waitFor(async () => (await signedIn(platform)) !== 0, 120_000);
        if ((await signedIn(platform)) === 200) sessions.kept++;
        else sessions.lost++;
      }
    }
    const fed = await stopFeeder();
    stopFeeder = null;
    const notes = await notificationFigures(store, sink.keys, fed);
    const samples = await sampleFigures(store, ids, new Date(started), documented);
    const kills = Object.values(restarts).reduce((a, r) => a + r.length, 0);
    console.log(
      `kill loop: ${kills} kills -9 in ${MINUTES} min (one every ${EVERY_SECONDS} s: ${APPS.join(', ')} in turn), ${SERVERS} servers, a message queued every 250 ms`,
    );
    console.log(
      `  notifications: ${notes.queued} queued, ${notes.lost} lost, ${notes.duplicates} delivered twice (${notes.duplicatesNotRetried} of them not a retry of a message in flight)`,
    );
    console.log(
      `  leases taken over after a collector kill in ${takeovers.map((t) => `${fmt(t / 1000, 1)} s`).join(', ')}; sessions kept across ${sessions.kept + sessions.lost} web kills: ${sessions.kept}`,
    );
    console.log(
      `  samples: ${samples.stored} stored, ${samples.duplicates} twice, ${samples.lostDuring} missing while a collector restarted (documented), ${samples.lostOutside} missing otherwise`,
    );
    return {
      kills,
      notificationsLost: notes.lost,
      notificationsDuplicated: notes.duplicates,
      duplicatesNotInFlight: notes.duplicatesNotRetried,
      maxTakeoverSeconds: Math.max(...takeovers) / 1000,
      sessionsLost: sessions.lost,
      samplesLost: samples.lostOutside,
    };
  } finally {
    await stopFeeder?.().catch(() => undefined);
    await platform.stop();
    await sink.close();
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchKillLoop();
