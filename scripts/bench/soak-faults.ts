// The soak's faults, one at a time: a watched server stopped or its path blackholed
// (both back after `backMs`), the datastore or an app killed with -9 (healed by the
// supervisor; how long that took is recorded).
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import type { TcpProxy } from '@pgvigil/db/testing';
import { fmt } from './lib';
import type { AppName, Platform } from './platform';
import type { Window } from './soak-measure';

export const FAULTS = [
  'server_stopped',
  'datastore_killed',
  'app_killed',
  'path_blackholed',
] as const;
const APPS = ['collector', 'alerter', 'web'] as const;
export const WATCHED_SETTINGS = { max_connections: 30, shared_buffers: '16MB' };

export interface Watched {
  id: number;
  server: EmbeddedServer;
  proxy: TcpProxy;
  dataDir: string;
}

export interface FaultLog {
  /** stopped servers and blackholed paths coming back */
  restores: Promise<void>[];
  /** per target, how long until it was healthy again after each kill (ms; NaN: never) */
  heals: Record<string, number[]>;
  /** from a collector's kill to a minute after its successor runs: samples may be missed */
  collectorDown: Window[];
}

const minutesSince = (started: number, at = Date.now()) => Math.round((at - started) / 60_000);

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

function breakPath(w: Watched, fault: 'server_stopped' | 'path_blackholed', backMs: number) {
  const later = new Promise((r) => setTimeout(r, backMs));
  if (fault === 'path_blackholed') {
    w.proxy.blackhole(true);
    return later.then(() => w.proxy.blackhole(false));
  }
  const stopped = w.server.stop();
  return stopped
    .then(() => later)
    .then(async () => {
      w.server = await startEmbedded({
        dataDir: w.dataDir,
        port: w.server.port,
        superuserPassword: 'soak',
        settings: WATCHED_SETTINGS,
      });
    });
}

async function kill(platform: Platform, target: AppName, started: number, log: FaultLog) {
  const pids = await platform.pids();
  const pid = pids[target];
  if (!pid) return;
  // `npm start` runs the collector and the alerter in one engine process
  const hostsCollector = pids.collector === pid;
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  const healedIn = await until(async () => {
    const now = (await platform.pids())[target];
    return now !== undefined && now !== pid && (await healthy(platform));
  }, 180_000);
  (log.heals[target] ??= []).push(healedIn ?? Number.NaN);
  if (hostsCollector) log.collectorDown.push({ from: killedAt, to: Date.now() + 60_000 });
  const after = healedIn === null ? 'never' : `${fmt(healedIn / 1000, 1)} s`;
  console.log(
    `soak: ${minutesSince(started, killedAt)} min: ${target} killed with -9; healthy again after ${after}`,
  );
}

/** The k-th fault (1-based): the four kinds in turn, the apps in turn for app kills. */
export async function injectFault(
  k: number,
  ctx: { platform: Platform; watched: Watched[]; started: number; backMs: number },
  log: FaultLog,
): Promise<void> {
  const fault = FAULTS[(k - 1) % FAULTS.length]!;
  if (fault === 'server_stopped' || fault === 'path_blackholed') {
    const w = ctx.watched[(k * 7) % ctx.watched.length]!;
    log.restores.push(breakPath(w, fault, ctx.backMs));
    const name = `soak-${ctx.watched.indexOf(w) + 1}`;
    console.log(`soak: ${minutesSince(ctx.started)} min: ${fault} (${name})`);
    return;
  }
  const target: AppName =
    fault === 'datastore_killed'
      ? 'datastore'
      : APPS[Math.floor((k - 1) / FAULTS.length) % APPS.length]!;
  await kill(ctx.platform, target, ctx.started, log);
}
