// The alerter over a fleet: one cycle of every built-in rule for BENCH_ALERTER_SERVERS
// (100) servers x 10 databases, timed by the real alerter process (its heartbeat carries
// the last cycle's time per phase). The datastore holds what the rules read: each
// probe's real rows from a PostgreSQL with 10 databases (9 of 50 tables, 2 sequences
// each), written at the probe's interval for the last 2 hours, 7 days for the
// wraparound forecast, 14 days for the sequence forecast, and hourly rollups for the
// baselines (21 days for the anomalies, 26 hours of statements); then copied to every
// server.
// Target: a cycle under 10 s.
//   npx tsx scripts/bench/alerter-fleet.ts   (BENCH_ALERTER_PROCESS=0: the in-process
//   measurement of the statement rules only, without the alerter process's cycles)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, ensurePartitions, ident, migrate, type Db } from '@pgvigil/db';
import { readRuleWindow } from '@pgvigil/db/alerting';
import {
  ensureMetricTable,
  refreshRollup,
  rollupTable,
  tableColumns,
  writeSamples,
} from '@pgvigil/db/metrics';
import { BUILTIN_RULES, planCycle, syncCatalog } from '@pgvigil/alerting';
// eslint-disable-next-line no-restricted-syntax -- times the alerter's own cycle read, in process
import { loadCycle } from '../../apps/alerter/src/cycle/load';
import { loadProbeContext, PROBES, runProbe, type ProbeDefinition } from '@pgvigil/probes';
import { benchServer, fmt } from './lib';

const SERVERS = Number(process.env.BENCH_ALERTER_SERVERS ?? 100);
const DATABASES = 10;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// how much history each probe needs: forecasts read days of raw rows, anomalies days of rollups
const SPAN: Record<string, number> = { wraparound: 7 * DAY, sequences: 14 * DAY };
const ROLLUP_SPAN: Record<string, number> = {
  database_stats: 21 * DAY,
  activity_extremes: 21 * DAY,
  replication: 21 * DAY,
  // statement_vs_baseline's day before its window
  statements: 26 * HOUR,
};
const RECENT = 2 * HOUR;

/** A fixture server with 10 databases; every probe's rows from it, per database. */
export async function templateRows(
  url: (db?: string) => string,
): Promise<Map<string, Map<string, Record<string, unknown>[]>>> {
  const admin = new pg.Client({ connectionString: url('postgres') });
  await admin.connect();
  const names = ['postgres', ...Array.from({ length: DATABASES - 1 }, (_, i) => `app${i + 1}`)];
  for (const name of names.slice(1)) {
    await admin.query(`CREATE DATABASE ${name}`);
    const c = new pg.Client({ connectionString: url(name) });
    await c.connect();
    await c.query(`DO $$ BEGIN
      FOR i IN 1..50 LOOP
        EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i);
        EXECUTE format('INSERT INTO t%s SELECT g, ''x'' FROM generate_series(1, 100) g', i);
      END LOOP;
      CREATE SEQUENCE s1; CREATE SEQUENCE s2; PERFORM nextval('s1'); PERFORM nextval('s2');
    END $$`);
    await c.query('ANALYZE');
    await c.end();
  }
  await admin.end();
  const out = new Map<string, Map<string, Record<string, unknown>[]>>();
  for (const name of names) {
    const c = new pg.Client({ connectionString: url(name), application_name: 'pgvigil' });
    await c.connect();
    const version = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num);
    const ctx = await loadProbeContext(c, version);
    for (const probe of PROBES) {
      if (probe.scope === 'instance' && name !== 'postgres') continue;
      const r = await runProbe(c, probe, ctx);
      if (r.status !== 'ok' || r.rows.length === 0) continue;
      if (probe.name === 'statements') r.rows = statementsAsCollected(r.rows);
      const byDb = out.get(probe.name) ?? new Map<string, Record<string, unknown>[]>();
      byDb.set(name, r.rows);
      out.set(probe.name, byDb);
    }
    await c.end();
  }
  return out;
}

/**
 * A window of the statements probe as the collector stores it: the 50 statements with
 * the most time, each with the window's total time (the baseline rule judges a share).
 */
function statementsAsCollected(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const top = [...rows]
    .sort((a, b) => Number(b.total_exec_time) - Number(a.total_exec_time))
    .slice(0, 50);
  const total = top.reduce((sum, r) => sum + Number(r.total_exec_time), 0);
  return top.map((r) => ({ ...r, window_exec_time: total }));
}

/**
 * Server 1's rows of a probe over [end - span, end] at its interval: the template run
 * at `end`, then earlier runs generated in SQL, counters lower the further back. A
 * sparse probe is stored as the collector stores it: every row at keyframes, and in
 * between only the rows that move, a tenth of them (by a hash of their key), every run.
 */
async function seedServerOne(
  db: Db,
  probe: ProbeDefinition,
  rows: Map<string, Record<string, unknown>[]>,
  end: Date,
  span: number,
): Promise<void> {
  await writeSamples(db, [
    {
      spec: probe,
      samples: [...rows].map(([database, r]) => ({
        collectedAt: end,
        serverId: 1,
        ...(probe.scope === 'database' ? { database } : {}),
        rows: r,
      })),
    },
  ]);
  const runs = Math.floor(span / (probe.intervalSeconds * 1000));
  if (runs < 1) return;
  const cols = tableColumns(probe);
  const t = `(collected_at - k * $2::interval)`;
  const keys = probe.columns
    .filter((c) => c.key)
    .map((c) => `coalesce(${ident(c.name)}::text, '')`);
  const busy = keys.length ? `abs(hashtext(${keys.join(" || '.' || ")})) % 10 = 0` : 'true';
  const period = probe.sparse?.keyframeSeconds ?? 1;
  const keyframe = `floor(extract(epoch FROM ${t}) / ${period}) <> floor(extract(epoch FROM ${t} - $2::interval) / ${period})`;
  const exprs = cols.map((name) => {
    if (name === 'collected_at') return t;
    if (name === 'keyframe') return keyframe;
    const c = probe.columns.find((x) => x.name === name);
    if (!c?.counter) return ident(name);
    return probe.sparse
      ? `CASE WHEN ${busy} THEN greatest(${ident(name)} - k * 10, 0) ELSE ${ident(name)} END`
      : `greatest(${ident(name)} - k * 10, 0)`;
  });
  await db.query(
    `INSERT INTO metrics.${ident(probe.name)} (${cols.map(ident).join(', ')})
     SELECT ${exprs.join(', ')} FROM metrics.${ident(probe.name)} CROSS JOIN generate_series(1, $3) k
      WHERE server_id = 1 AND collected_at = $1 ${probe.sparse ? `AND (${busy} OR ${keyframe})` : ''}`,
    [end, `${probe.intervalSeconds} seconds`, runs],
  );
}

/** Copies server 1's rows of a table since `from` to servers 2..SERVERS. */
async function copyToFleet(db: Db, table: string, cols: string[], from: Date): Promise<void> {
  const list = cols.map(ident).join(', ');
  const select = cols.map((c) => (c === 'server_id' ? 's' : ident(c))).join(', ');
  await db.query(
    `INSERT INTO metrics.${ident(table)} (${list})
     SELECT ${select} FROM metrics.${ident(table)} CROSS JOIN generate_series(2, $1::int) s
      WHERE server_id = 1 AND collected_at >= $2`,
    [SERVERS, from],
  );
}

export async function seed(
  db: Db,
  templates: Awaited<ReturnType<typeof templateRows>>,
): Promise<number> {
  const t = performance.now();
  await db.query(
    `INSERT INTO clusters (name) SELECT 'cluster' || g FROM generate_series(1, $1::int) g`,
    [Math.ceil(SERVERS / 4)],
  );
  await db.query(
    `INSERT INTO servers (name, host, username, cluster_id)
     SELECT 'pg' || g, '127.0.0.1', 'x', (SELECT id FROM clusters ORDER BY id OFFSET (g - 1) / 4 LIMIT 1)
       FROM generate_series(1, $1::int) g`,
    [SERVERS],
  );
  await db.query(`INSERT INTO server_status (server_id, state, since, checked_at, collector_id)
                  SELECT id, 'up', now(), now(), 'bench' FROM servers`);
  for (const probe of PROBES) await ensureMetricTable(db, probe, new Date());
  // Anomaly baselines first: 21 days of hourly rollups, from server 1's raw rows.
  for (const [name, span] of Object.entries(ROLLUP_SPAN)) {
    const probe = PROBES.find((p) => p.name === name)!;
    const rows = templates.get(name);
    if (!rows) continue; // no standby on the fixture: no replication rows
    const end = new Date(Date.now() - RECENT);
    await partitionsFor(db, [probe.name, rollupTable(probe.name, '1h')], end, span);
    await seedServerOne(db, probe, rows, end, span);
    await refreshRollup(db, probe, '1h', { from: new Date(end.getTime() - span), to: end });
    const table = rollupTable(probe.name, '1h');
    await copyToFleet(db, table, await columnsOf(db, table), new Date(0));
    await db.query(`DELETE FROM metrics.${ident(probe.name)}`);
  }
  // Then every probe's raw rows up to "now": 2 hours, or the forecasts' days.
  const end = new Date();
  for (const probe of PROBES) {
    const rows = templates.get(probe.name);
    if (!rows) continue;
    const span = probe.changeTracked ? 0 : (SPAN[probe.name] ?? RECENT);
    await partitionsFor(db, [probe.name], end, span);
    await seedServerOne(db, probe, rows, end, span);
    await copyToFleet(db, probe.name, tableColumns(probe), new Date(0));
  }
  await db.query('VACUUM ANALYZE');
  return (performance.now() - t) / 1000;
}

async function partitionsFor(db: Db, tables: string[], end: Date, span: number): Promise<void> {
  for (const table of tables)
    for (let t = end.getTime() - span; t <= end.getTime() + DAY; t += DAY)
      await ensurePartitions(db, table, new Date(t));
}

async function columnsOf(db: Db, table: string): Promise<string[]> {
  const rows = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [`metrics.${table}`],
  );
  return rows.map((r) => r.attname);
}

/**
 * The statement rules' share of a cycle, in process after the alerter stopped: a
 * cycle's read and plan with every rule (best of three, as the datastore is shared
 * with the machine), the plan of the statement rules alone, and their shared read of
 * the statements probe as the loop makes it (the raw window of the widest rule, and
 * the hourly rollups of a baseline, which the loop reads once an hour), without the
 * rule budget's timeout, to see how far past it a read goes.
 */
async function statementRulesCost(url: string): Promise<void> {
  // a pool as wide as the cycle's reads: the alerter's 4 sessions make reads wait for
  // a session past the pool's 10 s connect timeout at this scale, which fails them
  const db = createDb({ url, applicationName: 'pgvigil-bench', max: 24 });
  try {
    await statementRulesCostOn(db);
  } finally {
    await db.close();
  }
}

async function statementRulesCostOn(db: Db): Promise<void> {
  const keys = new Map(
    (await db.query<{ id: number; key: string }>('SELECT id, key FROM rules')).map((r) => [
      r.id,
      r.key,
    ]),
  );
  let best = { load: Infinity, plan: Infinity, statementsPlan: 0, evaluated: 0, failed: [''] };
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const input = await loadCycle(db, new Date(), {
      baseUrl: 'http://bench',
      reminderSeconds: 0,
      includeTrends: false,
    });
    const t1 = performance.now();
    const plan = planCycle(input);
    const t2 = performance.now();
    planCycle({ ...input, rules: input.rules.filter((r) => r.def.source.probe === 'statements') });
    const t3 = performance.now();
    // a read over the rule budget fails its rules: that is no cost saved
    const failed = (input.failedRules ?? []).map(
      (f) => `${keys.get(f.ruleId)}: ${f.error.slice(0, 60)}`,
    );
    if (t2 - t0 < best.load + best.plan)
      best = {
        load: t1 - t0,
        plan: t2 - t1,
        statementsPlan: t3 - t2,
        evaluated: plan.evaluated,
        failed,
      };
  }
  console.log(
    `  in process, every rule (no trends), best of 3: read ${fmt(best.load)} ms, plan ${fmt(best.plan)} ms (the statement rules ${fmt(best.statementsPlan)} ms), ${fmt(best.evaluated)} instances${
      best.failed.length ? `; ${best.failed.length} rules failed (${best.failed.join('; ')})` : ''
    }`,
  );
  const serverIds = (await db.query<{ id: number }>('SELECT id FROM servers')).map((r) => r.id);
  const statementsRead = async (label: string, rules: typeof BUILTIN_RULES) => {
    const at = Date.now();
    const columns = [
      ...new Set(rules.flatMap((r) => [...r.source.columns, ...(r.source.objectKeys ?? [])])),
    ];
    const read = (level: 'raw' | '1h', seconds: number) =>
      readRuleWindow(db, {
        probe: 'statements',
        columns,
        serverIds,
        level,
        from: new Date(at - seconds * 1000),
        to: new Date(at),
        timeoutMs: 600_000,
      });
    const t0 = performance.now();
    const raw = await read('raw', Math.max(...rules.map((r) => r.windowSeconds)) + 120);
    const t1 = performance.now();
    const hours = Math.max(
      0,
      ...rules.map(
        (r) => (r.source as { hourlyHistorySeconds?: number }).hourlyHistorySeconds ?? 0,
      ),
    );
    const history = hours ? await read('1h', hours) : [];
    const t2 = performance.now();
    console.log(
      `  ${label}: raw ${fmt(raw.length)} rows in ${fmt(t1 - t0)} ms${
        hours
          ? `; hourly rollups ${fmt(history.length)} rows in ${fmt(t2 - t1)} ms (once an hour)`
          : ''
      }`,
    );
  };
  const statements = BUILTIN_RULES.filter((r) => r.source.probe === 'statements');
  await statementsRead("the three statement rules' read", statements);
  await statementsRead(
    'without statement_vs_baseline',
    statements.filter((r) => r.key !== 'statement_vs_baseline'),
  );
}

interface Cycle {
  ms: number;
  cpuMs: number;
  loadMs: number;
  planMs: number;
  writeMs: number;
  evaluated: number;
  trends: boolean;
}

export async function benchAlerterFleet(): Promise<{ withTrends: Cycle; without: Cycle } | null> {
  const { server, done } = await benchServer('alerter-fleet', {
    shared_preload_libraries: 'pg_stat_statements',
  });
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-alerter-fleet-'));
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query('CREATE EXTENSION pg_stat_statements');
  await admin.query('CREATE DATABASE store');
  await admin.end();
  const db = createDb({
    url: server.url('store'),
    applicationName: 'pgvigil-bench',
    max: 4,
    statementTimeoutMs: 1_800_000,
  });
  try {
    await migrate(db);
    await syncCatalog(db);
    // the opt-in statement rule is measured too: whether it can be on by default
    await db.query(`UPDATE rules SET enabled = true WHERE key = 'statement_vs_baseline'`);
    const templates = await templateRows((name) => server.url(name));
    const seconds = await seed(db, templates);
    const [{ n }] = (await db.query<{ n: number }>(
      `SELECT sum(n_live_tup)::bigint AS n FROM pg_stat_user_tables WHERE schemaname = 'metrics'`,
    )) as [{ n: number }];
    if (process.env.BENCH_ALERTER_PROCESS === '0') {
      await statementRulesCost(server.url('store'));
      return null;
    }
    const key = randomBytes(32);
    const alerter = spawn(process.execPath, ['--import', 'tsx', 'apps/alerter/src/main.ts'], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: server.url('store'),
        PGVIGIL_HOME: home,
        PGVIGIL_SECRET_KEY: key.toString('base64'),
        ALERTER_INTERVAL_SECONDS: '20',
        // trends every minute instead of 10, so a later trends cycle (read from the
        // alerter's caches) comes within the benchmark
        ALERTER_TREND_INTERVAL_SECONDS: '60',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((r) => alerter.once('exit', r));
    const seen: Cycle[] = [];
    const deadline = Date.now() + 5 * 60_000;
    const done = () => seen.filter((c) => c.trends).length >= 2 && seen.some((c) => !c.trends);
    while (Date.now() < deadline && !done()) {
      await new Promise((r) => setTimeout(r, 2000));
      const [beat] = await db.query<{ info: { lastCycle?: Cycle | null } }>(
        `SELECT info FROM heartbeats WHERE component = 'alerter' ORDER BY last_seen_at DESC LIMIT 1`,
      );
      const c = beat?.info.lastCycle;
      if (c && !seen.some((s) => JSON.stringify(s) === JSON.stringify(c))) seen.push(c);
    }
    alerter.kill('SIGTERM');
    await exited;
    const [withTrends, warm] = seen.filter((c) => c.trends);
    const without = seen.find((c) => !c.trends);
    const [alerts] = (await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM alerts WHERE state NOT IN ('resolved', 'ok')`,
    )) as [{ n: number }];
    console.log(
      `alerter fleet: ${SERVERS} servers x ${DATABASES} databases, every built-in rule; ${fmt(n)} rows seeded in ${fmt(seconds)} s, ${fmt(alerts.n)} alerts open after the cycles`,
    );
    const line = (label: string, c: Cycle | undefined) =>
      console.log(
        c
          ? `  ${label}: ${fmt(c.ms)} ms (read ${fmt(c.loadMs)}, plan ${fmt(c.planMs)}, write ${fmt(c.writeMs)}; alerter CPU ${fmt(c.cpuMs)} ms), ${fmt(c.evaluated)} instances; target 10000 ms: ${c.ms < 10_000 ? 'met' : 'MISSED'}`
          : `  ${label}: no cycle within 5 minutes`,
      );
    line('first cycle with forecasts and anomalies (weeks of history read)', withTrends);
    line('later cycle with them (the newest buckets read, the rest kept)', warm);
    line('cycle without them (the other cycles of 10 minutes)', without);
    await statementRulesCost(server.url('store'));
    return withTrends && without ? { withTrends, without } : null;
  } finally {
    await db.close();
    await done();
    await rm(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAlerterFleet();
