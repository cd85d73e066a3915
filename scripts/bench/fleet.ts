// Fleet: one collector watching 10 servers x 10 databases (100 monitored databases)
// at default intervals for BENCH_FLEET_SECONDS (default 300): collector CPU as % of one
// core, peak RSS, p99 schedule lateness, rows written. The 10 "servers" are 10 registry
// entries on one PostgreSQL (each with its own sessions), so the datastore and the
// monitored server share this machine with the collector: the figures are upper bounds.
//   npx tsx scripts/bench/fleet.ts
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, createSecretBox, migrate } from '@pgvigil/db';
import { createServer } from '@pgvigil/db/registry';
import { benchServer, fmt } from './lib';

const TICKS_PER_SECOND = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in these

/** CPU seconds and resident MB of a process of ours, from /proc. */
async function processUsage(pid: number): Promise<{ cpuSeconds: number; rssMb: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // fields after the command: utime and stime are the 12th and 13th
  const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / TICKS_PER_SECOND;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssMb: (rssKb * 1024) / 1e6 };
}

const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 300);
const SERVERS = 10;
const DATABASES = 10;

export async function benchFleet(): Promise<Record<string, number>> {
  const { server, done } = await benchServer('fleet', {
    shared_preload_libraries: 'pg_stat_statements',
    max_connections: 200,
  });
  const admin = new pg.Client({ connectionString: server.url() });
  admin.on('error', () => undefined);
  await admin.connect();
  const db = createDb({ url: server.url('postgres'), applicationName: 'pgvigil-bench', max: 4 });
  const key = randomBytes(32);
  const box = createSecretBox(key);
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-fleet-'));
  try {
    await admin.query('CREATE DATABASE store');
    for (let i = 1; i <= DATABASES - 1; i++) {
      await admin.query(`CREATE DATABASE app${i}`);
      const c = new pg.Client({ connectionString: server.url(`app${i}`) });
      await c.connect();
      await c.query(
        `DO $$ BEGIN FOR i IN 1..50 LOOP EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i); END LOOP; END $$`,
      );
      await c.end();
    }
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const store = createDb({ url: server.url('store'), applicationName: 'pgvigil-bench', max: 4 });
    await migrate(store);
    for (let s = 1; s <= SERVERS; s++) {
      await createServer(store, box, {
        name: `server${s}`,
        host: '127.0.0.1',
        port: server.port,
        username: 'postgres',
        password: 'bench',
        sslmode: 'disable',
      });
    }
    // the real collector process, as `npm start` runs it
    const collector = spawn(process.execPath, ['--import', 'tsx', 'apps/collector/src/main.ts'], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: server.url('store'),
        PGVIGIL_HOME: home,
        PGVIGIL_SECRET_KEY: key.toString('base64'),
        PGVIGIL_COLLECTOR_ID: 'bench',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((r) => collector.once('exit', r));
    const pid = collector.pid!;
    const start = await processUsage(pid);
    const t0 = performance.now();
    let peakRssMb = start.rssMb;
    const sampler = setInterval(() => {
      processUsage(pid)
        .then((u) => (peakRssMb = Math.max(peakRssMb, u.rssMb)))
        .catch(() => undefined);
    }, 1000);
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    clearInterval(sampler);
    const end = await processUsage(pid);
    const wall = (performance.now() - t0) / 1000;
    // its heartbeat (every 10 s) carries the collector's own run statistics
    const [beat] = await store.query<{ info: Record<string, unknown> }>(
      `SELECT info FROM heartbeats WHERE component = 'collector' ORDER BY last_seen_at DESC LIMIT 1`,
    );
    const info = beat?.info ?? {};
    collector.kill('SIGTERM');
    await exited;
    const cpuPct = ((end.cpuSeconds - start.cpuSeconds) / wall) * 100;
    const rows = await store.query<{ n: number }>(
      `SELECT sum(n_tup_ins)::bigint AS n FROM pg_stat_user_tables WHERE schemaname = 'metrics'`,
    );
    await store.close();
    const figures = {
      cpuPct,
      peakRssMb,
      latenessP99Ms: Number(info.scheduleLatenessP99Ms),
      firstRunLatenessP99Ms: Number(info.firstRunLatenessP99Ms),
      probeRuns: Number(info.probeRuns),
      probeFailures: Number(info.probeFailures),
    };
    console.log(
      `fleet: ${SERVERS} servers x ${DATABASES} databases for ${SECONDS} s at default intervals`,
    );
    console.log(
      `  collector CPU ${fmt(cpuPct, 1)} % of one core (target < 25), peak RSS ${fmt(figures.peakRssMb)} MB (target < 300)`,
    );
    console.log(
      `  p99 schedule lateness ${fmt(figures.latenessP99Ms)} ms (target < 2000), first runs after start ${fmt(figures.firstRunLatenessP99Ms)} ms; ${fmt(figures.probeRuns)} probe runs, ${fmt(figures.probeFailures)} failed, ~${fmt(rows[0]?.n ?? 0)} rows inserted`,
    );
    return figures;
  } finally {
    await db.close();
    await admin.end();
    await done();
    await rm(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchFleet();
