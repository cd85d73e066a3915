// Big servers: what one pgvigil costs a server with many databases or a huge schema, on
// default settings (max_locks_per_transaction 64), against Debian's
// prometheus-postgres-exporter (broad scrape: its example queries.yaml, every database)
// on the same server in the same run.
//  - 1,000 databases (BENCH_BIG_DATABASES);
//  - one database with 50,000 tables (10,000 of them partitions), 100,000 indexes and
//    10,000 sequences (BENCH_BIG_SCALE = 1 is that size; 0.1 is a tenth, for a quick look).
// BENCH_BIG_PARTS=schema or =databases runs one of the two.
// For each: every probe once in every database (server CPU per probe from /proc, turned
// into a per-minute cost at default intervals, plus the sessions a pass opens), any
// failure and "out of shared memory" (53200), the top-N caps, the most relation locks a
// probe held; then the real collector process (as `npm start` runs it) until it has
// stored one pass over every database: its peak RSS and failures.
//   npx tsx scripts/bench/big-server.ts
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, createSecretBox, migrate } from '@pgvigil/db';
import type { EmbeddedServer } from '@pgvigil/db/embedded';
import { createServer } from '@pgvigil/db/registry';
import {
  loadProbeContext,
  PROBES,
  runProbe,
  type ProbeClient,
  type ProbeDefinition,
} from '@pgvigil/probes';
import { benchServer, fmt } from './lib';
import { runtimeFile } from '../lib/runtime-files';

const EXPORTER = '/usr/bin/prometheus-postgres-exporter';
const EXPORTER_QUERIES = '/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml';
const DATABASES = Number(process.env.BENCH_BIG_DATABASES ?? 1000);
const SCALE = Number(process.env.BENCH_BIG_SCALE ?? 1);
const TICK_MS = 10; // Linux USER_HZ = 100
const INSTANCE_REPEAT = 10;

/** CPU milliseconds used so far by the postmaster and all its children. */
async function serverCpuMs(postmaster: number): Promise<number> {
  let ticks = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) !== postmaster && Number(fields[1]) !== postmaster) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

async function processRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return (Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024) / 1e6;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function connect(url: string, applicationName = 'pgvigil-bench'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function postmasterPid(admin: pg.Client): Promise<number> {
  const dir = (await admin.query<{ d: string }>(`SELECT current_setting('data_directory') AS d`))
    .rows[0]!.d;
  return Number((await readFile(`${dir}/postmaster.pid`, 'utf8')).split('\n')[0]);
}

interface ProbeFigures {
  cpuMs: number;
  failed: string[];
  rowsMax: number;
  locksMax: number;
  /** runs that were ok (a probe unavailable everywhere costs the collector no pass) */
  ok: number;
}

/** Lists the relation locks the probe's transaction holds just before each COMMIT. */
function lockCounting(client: pg.Client, pid: number, seen: { most: number }): ProbeClient {
  return {
    async query(text, values) {
      if (text === 'COMMIT') {
        const r = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND locktype = 'relation'`,
          [pid],
        );
        seen.most = Math.max(seen.most, r.rows[0]!.n);
      }
      return client.query(text, values);
    },
  };
}

/**
 * Every probe once in every database, probe by probe (so each probe's server CPU adds up
 * over all databases), one session per database as the collector opens them.
 */
async function probeEveryDatabase(
  server: EmbeddedServer,
  databases: string[],
  postmaster: number,
): Promise<{ perProbe: Map<string, ProbeFigures>; sessionCpuMs: number }> {
  const perProbe = new Map<string, ProbeFigures>();
  // Sessions: open, read the context, close; what each pass costs before any probe.
  const c0 = await serverCpuMs(postmaster);
  for (const name of databases) {
    const c = await connect(server.url(name), 'pgvigil');
    await loadProbeContext(c, 180000);
    await c.end();
  }
  const sessionCpuMs = (await serverCpuMs(postmaster)) - c0;
  // Batches of databases with a session each, so a probe runs across all of them in a row.
  const batch = 50;
  for (let i = 0; i < databases.length; i += batch) {
    const sessions = await Promise.all(
      databases.slice(i, i + batch).map(async (name) => {
        const client = await connect(server.url(name), 'pgvigil');
        const version = Number(
          (await client.query('SHOW server_version_num')).rows[0].server_version_num,
        );
        const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!
          .pid;
        return { name, client, pid, ctx: await loadProbeContext(client, version) };
      }),
    );
    for (const probe of PROBES) {
      const f = perProbe.get(probe.name) ?? {
        cpuMs: 0,
        failed: [],
        rowsMax: 0,
        locksMax: 0,
        ok: 0,
      };
      const instance = probe.scope === 'instance';
      const targets = instance ? (i === 0 ? sessions.slice(0, 1) : []) : sessions;
      // instance probes run once: repeat them so 10 ms CPU ticks average out
      const repeat = instance ? INSTANCE_REPEAT : 1;
      const before = await serverCpuMs(postmaster);
      for (let k = 0; k < repeat; k++) {
        for (const s of targets) {
          const r = await runProbe(s.client, probe, s.ctx);
          if (r.status === 'failed') f.failed.push(`${s.name}: ${r.sqlState ?? ''} ${r.reason}`);
          if (r.status === 'ok') {
            f.ok += 1;
            f.rowsMax = Math.max(f.rowsMax, r.rows.length);
          }
        }
      }
      f.cpuMs += ((await serverCpuMs(postmaster)) - before) / repeat;
      // The locks a probe holds do not depend on how many databases there are: count them
      // (an extra pg_locks query per transaction, so untimed) in the first batch.
      if (i === 0) {
        for (const s of targets) {
          const locks = { most: 0 };
          await runProbe(lockCounting(s.client, s.pid, locks), probe, s.ctx);
          f.locksMax = Math.max(f.locksMax, locks.most);
        }
      }
      perProbe.set(probe.name, f);
    }
    for (const s of sessions) await s.client.end();
  }
  return { perProbe, sessionCpuMs };
}

/**
 * Server CPU per minute at default intervals: each probe's cost times its runs per minute,
 * plus the sessions of the database passes (a pass per due database probe at worst).
 */
function perMinuteCpu(perProbe: Map<string, ProbeFigures>, sessionCpuMs: number): number {
  // unavailable probes are retried hourly and cost no pass of their own
  const dbProbes = PROBES.filter((p) => p.scope === 'database' && perProbe.get(p.name)?.ok);
  const passesPerMinute = dbProbes.reduce((n, p) => n + 60 / p.intervalSeconds, 0);
  return (
    PROBES.reduce(
      (sum, p: ProbeDefinition) =>
        sum + (perProbe.get(p.name)?.cpuMs ?? 0) * (60 / p.intervalSeconds),
      0,
    ) +
    sessionCpuMs * passesPerMinute
  );
}

/** Server CPU of one broad exporter scrape (the mean of `scrapes`), or NaN without it. */
async function exporterScrapeCpu(
  url: string,
  postmaster: number,
  autoDiscover: boolean,
  scrapes = 2,
): Promise<{ cpuMs: number; series: number; wallMs: number }> {
  if (!existsSync(EXPORTER)) return { cpuMs: NaN, series: NaN, wallMs: NaN };
  // pg_process_idle from the example file fails the whole scrape on 18 (duplicate series)
  const example = await readFile(EXPORTER_QUERIES, 'utf8');
  const queries = path.join(tmpdir(), `pgvigil-bench-big-queries-${process.pid}.yaml`);
  await writeFile(queries, example.slice(0, example.indexOf('\npg_process_idle:') + 1));
  const port = await freePort();
  const exporter = spawn(
    EXPORTER,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      `--extend.query-path=${queries}`,
      ...(autoDiscover ? ['--auto-discover-databases'] : []),
    ],
    { env: { DATA_SOURCE_NAME: `${url}?sslmode=disable` }, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  try {
    const scrape = async () => {
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
          signal: AbortSignal.timeout(600_000),
        }).catch(() => null);
        if (res?.ok) return res.text();
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('exporter did not answer');
    };
    await scrape(); // its first scrape opens its connections
    const c0 = await serverCpuMs(postmaster);
    const t0 = performance.now();
    let body = '';
    for (let i = 0; i < scrapes; i++) body = await scrape();
    return {
      cpuMs: ((await serverCpuMs(postmaster)) - c0) / scrapes,
      wallMs: (performance.now() - t0) / scrapes,
      series: body.split('\n').filter((l) => l && !l.startsWith('#')).length,
    };
  } finally {
    exporter.kill('SIGTERM');
    await rm(queries, { force: true });
  }
}

/**
 * The real collector process watching `server` until its datastore holds a `tables`
 * sample of every database: peak RSS, failures, how long the first pass took.
 */
async function collectorPass(
  server: EmbeddedServer,
  passed: (store: ReturnType<typeof createDb>) => Promise<boolean>,
) {
  const admin = await connect(server.url());
  await admin.query('CREATE DATABASE pgvigil_store');
  await admin.end();
  const store = createDb({ url: server.url('pgvigil_store'), applicationName: 'pgvigil-bench' });
  await migrate(store);
  const key = randomBytes(32);
  await createServer(store, createSecretBox(key), {
    name: 'big',
    host: '127.0.0.1',
    port: server.port,
    username: 'postgres',
    password: 'bench',
    sslmode: 'disable',
  });
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-big-'));
  const collector = spawn(process.execPath, [runtimeFile('collector')], {
    cwd: path.join(import.meta.dirname, '..', '..'),
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: server.url('pgvigil_store'),
      PGVIGIL_HOME: home,
      PGVIGIL_SECRET_KEY: key.toString('base64'),
      PGVIGIL_COLLECTOR_ID: 'bench-big',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => collector.once('exit', r));
  const t0 = performance.now();
  let peakRssMb = 0;
  let mostSessions = 0;
  const watcher = await connect(server.url());
  try {
    for (let waited = 0; waited < 3_600_000; waited += 1000) {
      peakRssMb = Math.max(peakRssMb, await processRssMb(collector.pid!).catch(() => 0));
      const s = await watcher.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgvigil'`,
      );
      mostSessions = Math.max(mostSessions, s.rows[0]!.n);
      if (await passed(store).catch(() => false)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const passSeconds = (performance.now() - t0) / 1000;
    // the heartbeat (every 10 s) carries the collector's run statistics
    await new Promise((r) => setTimeout(r, 11_000));
    const [beat] = await store.query<{ info: Record<string, unknown> }>(
      `SELECT info FROM heartbeats WHERE component = 'collector' ORDER BY last_seen_at DESC LIMIT 1`,
    );
    return { passSeconds, peakRssMb, mostSessions, info: beat?.info ?? {} };
  } finally {
    collector.kill('SIGTERM');
    await exited;
    await watcher.end();
    await store.close();
    await rm(home, { recursive: true, force: true });
  }
}

function report(
  title: string,
  perProbe: Map<string, ProbeFigures>,
  sessionCpuMs: number,
  scrape: { cpuMs: number; series: number; wallMs: number },
  pass: Awaited<ReturnType<typeof collectorPass>>,
): Record<string, number> {
  const failed = [...perProbe].flatMap(([name, f]) => f.failed.map((x) => `${name} in ${x}`));
  const outOfMemory = failed.filter((f) => f.includes('53200'));
  const perMinute = perMinuteCpu(perProbe, sessionCpuMs);
  const cycle = [...perProbe.values()].reduce((n, f) => n + f.cpuMs, 0) + sessionCpuMs;
  const top = [...perProbe].sort((a, b) => b[1].cpuMs - a[1].cpuMs).slice(0, 5);
  const caps = PROBES.filter((p) => p.topN).map((p) => {
    const rows = perProbe.get(p.name)?.rowsMax ?? 0;
    // sequences lists up to N readable plus up to N unreadable; the others N plus "(others)"
    const cap = p.name === 'sequences' ? 2 * p.topN! : p.topN! + 1;
    return { name: p.name, rows, held: rows <= cap };
  });
  const locksMax = Math.max(...[...perProbe.values()].map((f) => f.locksMax));
  console.log(title);
  console.log(
    `  every probe once in every database: ${fmt(cycle)} ms server CPU (sessions ${fmt(sessionCpuMs)} ms); most expensive: ${top.map(([n, f]) => `${n} ${fmt(f.cpuMs)}`).join(', ')}`,
  );
  console.log(
    `  failed probe runs: ${failed.length}${failed.length ? ` (${failed.slice(0, 3).join('; ')})` : ''}; out of shared memory: ${outOfMemory.length}; most relation locks held by a probe: ${locksMax}`,
  );
  console.log(
    `  top-N caps: ${
      caps.filter((c) => !c.held).length
        ? `EXCEEDED ${caps
            .filter((c) => !c.held)
            .map((c) => `${c.name} ${c.rows}`)
            .join(', ')}`
        : `held (${caps.map((c) => `${c.name} ${c.rows}`).join(', ')})`
    }`,
  );
  console.log(`  pgvigil server CPU per minute at default intervals: ${fmt(perMinute)} ms`);
  if (Number.isFinite(scrape.cpuMs)) {
    console.log(
      `  postgres_exporter one broad scrape: ${fmt(scrape.cpuMs)} ms server CPU, ${fmt(scrape.wallMs)} ms, ${fmt(scrape.series)} series`,
    );
    console.log(
      `  ratio pgvigil per minute / exporter per 60 s scrape: ${fmt(perMinute / scrape.cpuMs, 2)} (target <= 1)`,
    );
  } else {
    console.log(`  ${EXPORTER} not installed: apt-get install prometheus-postgres-exporter`);
  }
  console.log(
    `  collector process, first pass over every database: ${fmt(pass.passSeconds)} s, peak RSS ${fmt(pass.peakRssMb)} MB (target < 300), at most ${pass.mostSessions} sessions, ${String(pass.info.probeRuns)} probe runs, ${String(pass.info.probeFailures)} failed${pass.info.lastProbeFailure ? ` (last: ${String(pass.info.lastProbeFailure)})` : ''}`,
  );
  return {
    perMinute,
    scrapeCpu: scrape.cpuMs,
    failed: failed.length,
    outOfMemory: outOfMemory.length,
    locksMax,
    peakRssMb: pass.peakRssMb,
  };
}

/** A `tables` sample stored for at least `n` databases (matching `like`). */
const tablesStored =
  (n: number, like = '%') =>
  async (store: ReturnType<typeof createDb>) => {
    const [row] = await store.query<{ n: number }>(
      `SELECT count(DISTINCT database_name)::int AS n FROM metrics.tables WHERE database_name LIKE $1`,
      [like],
    );
    return (row?.n ?? 0) >= n;
  };

async function manyDatabases(): Promise<Record<string, number>> {
  // the exporter keeps a connection to every database it discovers
  const { server, done } = await benchServer('big-dbs', {
    shared_preload_libraries: 'pg_stat_statements',
    max_connections: DATABASES + 100,
  });
  try {
    const admin = await connect(server.url());
    // every database gets one table from the template, so each has a row in metrics.tables
    const t1 = await connect(server.url('template1'));
    await t1.query('CREATE TABLE marker (id int PRIMARY KEY, note text)');
    await t1.end();
    const t0 = performance.now();
    for (let i = 0; i < DATABASES; i++)
      await admin.query(`CREATE DATABASE db${i} STRATEGY FILE_COPY`);
    const postmaster = await postmasterPid(admin);
    const locks = (await admin.query('SHOW max_locks_per_transaction')).rows[0]
      .max_locks_per_transaction as string;
    console.log(
      `big server: ${fmt(DATABASES)} databases created in ${fmt((performance.now() - t0) / 1000)} s (max_locks_per_transaction ${locks})`,
    );
    await admin.end();
    const names = ['postgres', ...Array.from({ length: DATABASES }, (_, i) => `db${i}`)];
    const { perProbe, sessionCpuMs } = await probeEveryDatabase(server, names, postmaster);
    const scrape = await exporterScrapeCpu(server.url('postgres'), postmaster, true);
    const pass = await collectorPass(server, tablesStored(DATABASES, 'db%'));
    return report(`big server, ${fmt(DATABASES)} databases:`, perProbe, sessionCpuMs, scrape, pass);
  } finally {
    await done();
  }
}

/** DDL for the big schema, a statement list per transaction of about `per` objects. */
function bigSchemaBatches(): string[][] {
  const n = (x: number) => Math.round(x * SCALE);
  const batches: string[][] = [];
  const add = (count: number, make: (i: number) => string, per = 50) => {
    for (let i = 0; i < count; i += per)
      batches.push(Array.from({ length: Math.min(per, count - i) }, (_, j) => make(i + j)));
  };
  // 10,000 tables with a sequence, 2 indexes each
  add(
    n(10_000),
    (i) => `CREATE TABLE s${i} (id serial PRIMARY KEY, a int); CREATE INDEX ON s${i} (a)`,
  );
  // 30,000 tables, 2 indexes each
  add(
    n(30_000),
    (i) => `CREATE TABLE t${i} (id int PRIMARY KEY, a int); CREATE INDEX ON t${i} (a)`,
  );
  // 100 partitioned tables of 100 partitions, 2 partitioned indexes each
  const parents = n(100);
  add(parents, (i) =>
    [
      `CREATE TABLE p${i} (id int, at int) PARTITION BY RANGE (at)`,
      `CREATE INDEX ON p${i} (id)`,
      `CREATE INDEX ON p${i} (at, id)`,
    ].join('; '),
  );
  for (let i = 0; i < parents; i++)
    add(
      100,
      (j) =>
        `CREATE TABLE p${i}_${j} PARTITION OF p${i} FOR VALUES FROM (${j * 10}) TO (${j * 10 + 10})`,
    );
  return batches;
}

async function bigSchema(): Promise<Record<string, number>> {
  // default max_connections (100) and max_locks_per_transaction (64): 6,400 lock slots
  const { server, done } = await benchServer('big-schema', {
    shared_preload_libraries: 'pg_stat_statements',
  });
  try {
    const admin = await connect(server.url());
    await admin.query('CREATE DATABASE big');
    const big = await connect(server.url('big'));
    const t0 = performance.now();
    // one transaction per batch: a single one would itself run out of shared memory
    for (const batch of bigSchemaBatches()) await big.query(batch.join(';\n'));
    await big.query('ANALYZE');
    const counts = (
      await big.query<{ tables: number; indexes: number; sequences: number }>(
        `SELECT count(*) FILTER (WHERE relkind IN ('r', 'p'))::int AS tables,
                count(*) FILTER (WHERE relkind IN ('i', 'I'))::int AS indexes,
                count(*) FILTER (WHERE relkind = 'S')::int AS sequences
           FROM pg_class WHERE relnamespace = 'public'::regnamespace`,
      )
    ).rows[0]!;
    await big.end();
    const postmaster = await postmasterPid(admin);
    await admin.end();
    console.log(
      `big schema: ${fmt(counts.tables)} tables (partitions included), ${fmt(counts.indexes)} indexes, ${fmt(counts.sequences)} sequences, created in ${fmt((performance.now() - t0) / 1000)} s`,
    );
    const { perProbe, sessionCpuMs } = await probeEveryDatabase(
      server,
      ['postgres', 'big'],
      postmaster,
    );
    const scrape = await exporterScrapeCpu(server.url('big'), postmaster, false);
    const pass = await collectorPass(server, tablesStored(1, 'big'));
    return report(`big schema, one database:`, perProbe, sessionCpuMs, scrape, pass);
  } finally {
    await done();
  }
}

export async function benchBigServer(): Promise<Record<string, number>> {
  const parts = (process.env.BENCH_BIG_PARTS ?? 'schema,databases').split(',');
  const schema = parts.includes('schema') ? await bigSchema() : {};
  const dbs = parts.includes('databases') ? await manyDatabases() : {};
  return {
    ...Object.fromEntries(Object.entries(schema).map(([k, v]) => [`schema_${k}`, v])),
    ...Object.fromEntries(Object.entries(dbs).map(([k, v]) => [`databases_${k}`, v])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBigServer();
