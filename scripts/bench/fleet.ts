// Fleet: 1,000 monitored databases (BENCH_FLEET_SERVERS = 100 registry entries x 10
// databases, spread over three real PostgreSQL servers, each entry with its own sessions)
// at default intervals.
//  1. One collector for BENCH_FLEET_SECONDS (600): its CPU as % of one core, peak RSS
//     (/proc), p99 schedule lateness, probe runs. Targets: < 1 core, < 500 MB, < 2 s.
//  2. Three collectors sharing the fleet through leases: how even the split is (target
//     within 10 %), each one's CPU and RSS; one is killed (SIGKILL): how long until its
//     servers are leased and collected again, and the longest gap in their samples;
//     a fourth starts: how long until it holds its share (target within a minute).
// The collectors are the real process (apps/collector/src/main.ts), as `npm start` runs it.
// The monitored servers, the datastore and the collectors share this machine: upper bounds.
//   npx tsx scripts/bench/fleet.ts   (BENCH_FLEET_SHARED=0: the single collector only)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, createSecretBox, migrate, type Db } from '@pgvigil/db';
import type { EmbeddedServer } from '@pgvigil/db/embedded';
import { createServer } from '@pgvigil/db/registry';
import { benchServer, fmt, postmasterPid, serverCpuMs } from './lib';
import { runtimeFile } from '../lib/runtime-files';

const TICKS_PER_SECOND = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in these
const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 600);
const SERVERS = Number(process.env.BENCH_FLEET_SERVERS ?? 100);
const REAL_SERVERS = 3;
const DATABASES = 10;

/** CPU seconds and resident MB of a process of ours, from /proc. */
async function processUsage(pid: number): Promise<{ cpuSeconds: number; rssMb: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // fields after the command: utime and stime are the 12th and 13th
  const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / TICKS_PER_SECOND;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMb: (rssKb * 1024) / 1e6 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A collector process and what /proc says about it while it runs. */
class Watched {
  readonly exited: Promise<unknown>;
  peakRssMb = 0;
  private readonly timer: NodeJS.Timeout;
  private start: { cpuSeconds: number; t: number } | null = null;

  constructor(
    readonly id: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((r) => child.once('exit', r));
    this.timer = setInterval(() => {
      processUsage(child.pid!)
        .then((u) => (this.peakRssMb = Math.max(this.peakRssMb, u.rssMb)))
        .catch(() => undefined);
    }, 1000);
  }

  async mark(): Promise<void> {
    this.start = {
      cpuSeconds: (await processUsage(this.child.pid!)).cpuSeconds,
      t: performance.now(),
    };
  }

  /** CPU as % of one core since `mark()`. */
  async cpuPct(): Promise<number> {
    const now = await processUsage(this.child.pid!);
    const s = this.start!;
    return ((now.cpuSeconds - s.cpuSeconds) / ((performance.now() - s.t) / 1000)) * 100;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    clearInterval(this.timer);
    this.child.kill(signal);
    await this.exited;
  }
}

function spawnCollector(id: string, url: string, home: string, key: Buffer): Watched {
  const child = spawn(process.execPath, [runtimeFile('collector')], {
    cwd: path.join(import.meta.dirname, '..', '..'),
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url,
      PGVIGIL_HOME: home,
      PGVIGIL_SECRET_KEY: key.toString('base64'),
      PGVIGIL_COLLECTOR_ID: id,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Watched(id, child);
}

/** A monitored server: 9 application databases of 50 tables each, plus postgres. */
async function monitored(index: number) {
  const bench = await benchServer(`fleet${index}`, {
    shared_preload_libraries: 'pg_stat_statements',
    max_connections: 300,
  });
  const admin = new pg.Client({ connectionString: bench.server.url() });
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  for (let i = 1; i <= DATABASES - 1; i++) {
    await admin.query(`CREATE DATABASE app${i}`);
    const c = new pg.Client({ connectionString: bench.server.url(`app${i}`) });
    await c.connect();
    await c.query(
      `DO $$ BEGIN FOR i IN 1..50 LOOP EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i); END LOOP; END $$`,
    );
    await c.end();
  }
  await admin.end();
  return bench;
}

async function heartbeatInfo(db: Db, id: string): Promise<Record<string, unknown>> {
  const [beat] = await db.query<{ info: Record<string, unknown> }>(
    `SELECT info FROM heartbeats WHERE component = 'collector' AND instance_id = $1`,
    [id],
  );
  return beat?.info ?? {};
}

async function leases(db: Db): Promise<Map<string, number[]>> {
  const rows = await db.query<{ collector_id: string; server_id: number }>(
    'SELECT collector_id, server_id FROM collector_leases WHERE expires_at > now()',
  );
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.collector_id, [...(out.get(r.collector_id) ?? []), r.server_id]);
  return out;
}

/** Seconds until `check` holds, polling every second; null after `limit` seconds. */
async function until(limit: number, check: () => Promise<boolean>): Promise<number | null> {
  const t = performance.now();
  while (performance.now() - t < limit * 1000) {
    if (await check()) return (performance.now() - t) / 1000;
    await sleep(1000);
  }
  return null;
}

/** CPU of each PostgreSQL server as % of one core, and what pgvigil's statements cost them. */
async function serverSide(servers: EmbeddedServer[]) {
  const pids = await Promise.all(servers.map(postmasterPid));
  const clients = await Promise.all(
    servers.map(async (s) => {
      const c = new pg.Client({ connectionString: s.url() });
      await c.connect();
      return c;
    }),
  );
  let start = { t: 0, cpu: [] as number[] };
  return {
    async mark() {
      for (const c of clients) await c.query('SELECT pg_stat_statements_reset()');
      start = { t: performance.now(), cpu: await Promise.all(pids.map(serverCpuMs)) };
    },
    async report(label: string) {
      const seconds = (performance.now() - start.t) / 1000;
      const cpu = await Promise.all(pids.map(serverCpuMs));
      const pct = cpu.map((c, i) => (c - start.cpu[i]!) / 10 / seconds);
      const top = new Map<string, { calls: number; ms: number }>();
      for (const c of clients) {
        const rows = await c.query<{ probe: string; calls: number; ms: number }>(
          `SELECT substring(query FROM 'pgvigil:([a-z0-9_]+)') AS probe, sum(calls)::float8 AS calls,
                  sum(total_exec_time)::float8 AS ms
             FROM pg_stat_statements WHERE query LIKE '%pgvigil:%' GROUP BY 1`,
        );
        for (const r of rows.rows) {
          const t = top.get(r.probe) ?? { calls: 0, ms: 0 };
          top.set(r.probe, { calls: t.calls + r.calls, ms: t.ms + r.ms });
        }
      }
      const total = [...top.values()].reduce((n, t) => n + t.ms, 0);
      console.log(
        `  ${label}: ${pct.map((p) => `${fmt(p)} %`).join(' + ')} of one core; pgvigil's statements ${fmt(total / 1000 / seconds, 2)} s of execution per second, most: ${[
          ...top,
        ]
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 5)
          .map(([p, t]) => `${p} ${fmt(t.ms / t.calls, 1)} ms x ${fmt(t.calls)}`)
          .join(', ')}`,
      );
    },
    close: () => Promise.all(clients.map((c) => c.end())),
  };
}

async function oneCollector(
  db: Db,
  url: string,
  home: string,
  key: Buffer,
  servers: EmbeddedServer[],
) {
  const side = await serverSide(servers);
  const c = spawnCollector('solo', url, home, key);
  await sleep(5000);
  await c.mark();
  await side.mark();
  await sleep(SECONDS * 1000);
  const cpuPct = await c.cpuPct();
  const info = await heartbeatInfo(db, 'solo');
  await c.stop();
  const rows = await db.query<{ n: number }>(
    `SELECT sum(n_tup_ins)::bigint AS n FROM pg_stat_user_tables WHERE schemaname = 'metrics'`,
  );
  console.log(
    `fleet, one collector: ${SERVERS} servers x ${DATABASES} databases for ${SECONDS} s at default intervals`,
  );
  console.log(
    `  collector CPU ${fmt(cpuPct, 1)} % of one core (target < 100), peak RSS ${fmt(c.peakRssMb)} MB (target < 500)`,
  );
  // issue 22: at most 100 MB plus 2 MB per monitored database
  const databases = SERVERS * DATABASES;
  const memoryTarget = 100 + 2 * databases;
  console.log(
    `  collector RSS for ${fmt(databases)} databases: ${fmt(c.peakRssMb)} MB (target < ${fmt(memoryTarget)} MB = 100 MB + 2 MB per database: ${c.peakRssMb < memoryTarget ? 'met' : 'missed'})`,
  );
  console.log(
    `  p99 schedule lateness ${fmt(Number(info.scheduleLatenessP99Ms))} ms (target < 2000), first runs after start ${fmt(Number(info.firstRunLatenessP99Ms))} ms; ${fmt(Number(info.probeRuns))} probe runs, ${fmt(Number(info.probeFailures))} failed, ~${fmt(rows[0]?.n ?? 0)} rows inserted`,
  );
  await side.report(
    `monitored servers (${REAL_SERVERS}, each behind ${fmt(SERVERS / REAL_SERVERS)} registry entries)`,
  );
  await side.close();
  return { cpuPct, peakRssMb: c.peakRssMb, latenessP99Ms: Number(info.scheduleLatenessP99Ms) };
}

async function sharedFleet(db: Db, url: string, home: string, key: Buffer) {
  const running = new Map(
    ['c1', 'c2', 'c3'].map((id) => [id, spawnCollector(id, url, home, key)] as const),
  );
  try {
    const settled = await until(120, async () => {
      const held = [...(await leases(db)).values()].map((l) => l.length);
      return held.length === 3 && held.reduce((a, b) => a + b, 0) === SERVERS;
    });
    await sleep(30_000);
    for (const c of running.values()) await c.mark();
    await sleep(120_000);
    const split = await leases(db);
    const even = SERVERS / 3;
    const worst = Math.max(...[...split.values()].map((l) => Math.abs(l.length - even) / even));
    console.log(
      `fleet, three collectors sharing it through leases (all ${SERVERS} servers leased after ${fmt(settled ?? NaN)} s):`,
    );
    for (const [id, c] of running) {
      const info = await heartbeatInfo(db, id);
      console.log(
        `  ${id}: ${split.get(id)?.length ?? 0} servers, CPU ${fmt(await c.cpuPct(), 1)} % of one core, peak RSS ${fmt(c.peakRssMb)} MB, p99 lateness ${fmt(Number(info.scheduleLatenessP99Ms))} ms`,
      );
    }
    console.log(
      `  split: largest deviation from an even share ${fmt(worst * 100, 1)} % (target < 10)`,
    );

    // kill one: how long until its servers are leased and collected again
    const victim = running.get('c3')!;
    const orphans = split.get('c3') ?? [];
    const killedAt = new Date();
    await victim.stop('SIGKILL');
    running.delete('c3');
    const leased = await until(180, async () => {
      const now = await leases(db);
      const held = new Set([...now.entries()].filter(([id]) => id !== 'c3').flatMap(([, s]) => s));
      return orphans.every((s) => held.has(s));
    });
    const collected = await until(240, async () => {
      const rows = await db.query<{ n: number }>(
        `SELECT count(DISTINCT server_id)::int AS n FROM metrics.database_stats
          WHERE server_id = ANY($1) AND collected_at > $2`,
        [orphans, killedAt],
      );
      return rows[0]?.n === orphans.length;
    });
    const gaps = await db.query<{ probe: string; gap: number }>(
      `SELECT probe, max(gap)::float8 AS gap FROM (
         SELECT 'connectivity' AS probe, server_id,
                extract(epoch FROM collected_at - lag(collected_at) OVER (PARTITION BY server_id ORDER BY collected_at)) AS gap
           FROM metrics.connectivity WHERE server_id = ANY($1) AND collected_at > $2::timestamptz - interval '5 minutes'
         UNION ALL
         SELECT 'database_stats', server_id,
                extract(epoch FROM collected_at - lag(collected_at) OVER (PARTITION BY server_id, datname ORDER BY collected_at))
           FROM metrics.database_stats WHERE server_id = ANY($1) AND collected_at > $2::timestamptz - interval '5 minutes'
       ) g GROUP BY probe ORDER BY probe`,
      [orphans, killedAt],
    );
    console.log(
      `  c3 killed (${orphans.length} servers): leased by the others after ${fmt(leased ?? NaN)} s, every one collected again (database_stats, every 60 s) after ${fmt(collected ?? NaN)} s; longest gap in their samples: ${gaps.map((g) => `${g.probe} (every ${g.probe === 'connectivity' ? 30 : 60} s) ${fmt(g.gap)} s`).join(', ')}`,
    );

    // a fourth joins: how long until it holds its share
    const joined = spawnCollector('c4', url, home, key);
    running.set('c4', joined);
    const share = await until(180, async () => {
      const held = (await leases(db)).get('c4')?.length ?? 0;
      return held >= Math.floor((SERVERS / 3) * 0.9);
    });
    const after = await leases(db);
    console.log(
      `  c4 joined: held ${after.get('c4')?.length ?? 0} servers (an even share is ${fmt(SERVERS / 3, 1)}) after ${fmt(share ?? NaN)} s (target < 60); split now ${[...after.entries()].map(([id, s]) => `${id} ${s.length}`).join(', ')}`,
    );
  } finally {
    for (const c of running.values()) await c.stop();
  }
}

export async function benchFleet(): Promise<void> {
  const servers: { server: EmbeddedServer; done(): Promise<void> }[] = [];
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-fleet-'));
  const key = randomBytes(32);
  const store = await benchServer('fleet-store', { max_connections: 100 });
  const url = store.server.url('postgres');
  const db = createDb({ url, applicationName: 'pgvigil-bench', max: 2 });
  try {
    for (let i = 0; i < REAL_SERVERS; i++) servers.push(await monitored(i));
    await migrate(db);
    const box = createSecretBox(key);
    for (let s = 1; s <= SERVERS; s++) {
      const target = servers[s % REAL_SERVERS]!.server;
      await createServer(db, box, {
        name: `server${s}`,
        host: '127.0.0.1',
        port: target.port,
        username: 'postgres',
        password: 'bench',
        sslmode: 'disable',
      });
    }
    await oneCollector(
      db,
      url,
      home,
      key,
      servers.map((s) => s.server),
    );
    if (process.env.BENCH_FLEET_SHARED !== '0') await sharedFleet(db, url, home, key);
  } finally {
    await db.close();
    for (const s of servers) await s.done();
    await store.done();
    await rm(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchFleet();
