// Storage per monitored server per day. A PostgreSQL 18 with 1,000 tables, 2,000 indexes
// and ~5,000 statements (the cycle-cost fixture); each probe runs once in each database
// (instance probes in one), and its rows are written as the collector would for one
// simulated day at the probe's default interval (change-tracked probes once), rolled up
// to 5 minutes and 1 hour by the collector's own refreshRollup. The growth of each
// probe's raw and rollup tables (heap, TOAST, indexes, every fork) is its storage per
// day. Statements: ACTIVE_STATEMENTS_PER_MINUTE of them run each minute; the collector
// keeps the top 50 plus "(others)". Sparse probes go through the collector's filter
// (sparseStep) with a modelled activity: the first BUSY_SHARE of the rows (the largest
// tables, the busiest I/O contexts) move every run, each other row with MOVE_CHANCE per
// run; and again with every row moving every run, the worst case.
//   npx tsx scripts/bench/storage.ts
import pg from 'pg';
import { createDb, migrate, type Db } from '@pgvigil/db';
import {
  ensureMetricTable,
  refreshRollup,
  rollupLevels,
  rollupTable,
  ROLLUP_RETENTION_DAYS,
  writeSamples,
  type Sample,
} from '@pgvigil/db/metrics';
import {
  loadProbeContext,
  PROBES,
  runProbe,
  sparseStep,
  type ProbeDefinition,
  type SparseState,
} from '@pgvigil/probes';
import { FIXTURE } from './cycle-cost';
import { benchServer, fmt } from './lib';

const ACTIVE_STATEMENTS_PER_MINUTE = 500;
const BUSY_SHARE = 0.1;
const MOVE_CHANCE = 0.05;
const DAY = 86_400_000;

export interface ProbeStorage {
  probe: string;
  /** sparse probes: bytes per day when every row moves every run */
  worst: number;
  rowsPerSample: number;
  rowsPerDay: number;
  raw: { heap: number; toast: number; index: number };
  rollups: number;
  /** bytes kept at the default retentions: raw days, 35 days of 5-minute and 400 of hourly rollups */
  retained: number;
  total: number;
}

interface Size {
  heap: number;
  toast: number;
  index: number;
}

/** Bytes of a partitioned table's partitions: heap (every fork), TOAST, indexes. */
async function sizeOf(db: Db, table: string): Promise<Size> {
  const [r] = await db.query<Size & Record<string, unknown>>(
    `SELECT coalesce(sum(pg_table_size(inhrelid) - coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)), 0)::float8 AS heap,
            coalesce(sum(coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)), 0)::float8 AS toast,
            coalesce(sum(pg_indexes_size(inhrelid)), 0)::float8 AS index
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [`metrics.${table}`],
  );
  return r ?? { heap: 0, toast: 0, index: 0 };
}
const total = (s: Size) => s.heap + s.toast + s.index;

/** A small deterministic generator, so runs of the benchmark store the same rows. */
function prng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

/**
 * The rows of each run under the modelled activity: a row that moves has every numeric
 * value it tracks raised by one (counters and gauges alike); elapsed seconds grow with
 * the clock, and restart when their row moves (a new query).
 */
function activity(probe: ProbeDefinition, rows: Record<string, unknown>[], everyRow: boolean) {
  const random = prng(rows.length * 7919 + probe.name.length);
  const numeric = probe.columns.filter(
    (c) => !c.key && !c.elapsed && ['int', 'bigint', 'double'].includes(c.type),
  );
  const elapsed = probe.columns.filter((c) => c.elapsed);
  const busy = Math.max(1, Math.ceil(rows.length * BUSY_SHARE));
  const moves = rows.map(() => 0);
  const since = rows.map(() => 0);
  return (k: number) =>
    rows.map((row, i) => {
      if (k > 0 && (everyRow || i < busy || random() < MOVE_CHANCE)) {
        moves[i]! += 1;
        since[i] = k;
      }
      const out = { ...row };
      for (const c of numeric)
        if (typeof out[c.name] === 'number') out[c.name] = Number(out[c.name]) + moves[i]!;
      for (const c of elapsed)
        if (typeof row[c.name] === 'number')
          out[c.name] = Number(row[c.name]) + (k - since[i]!) * probe.intervalSeconds;
      return out;
    });
}

/**
 * One simulated day of a probe at its interval, written as the collector would (through
 * the sparse filter for a sparse probe) and rolled up; the growth of its tables.
 */
async function oneDay(
  store: Db,
  probe: ProbeDefinition,
  database: string,
  serverId: number,
  rowsAt: (k: number) => Record<string, unknown>[],
  end: Date,
): Promise<Omit<ProbeStorage, 'probe' | 'worst'>> {
  const runs = probe.changeTracked ? 1 : Math.floor(DAY / (probe.intervalSeconds * 1000));
  const levels = rollupLevels(probe);
  const rawBefore = await sizeOf(store, probe.name);
  const rollupsBefore = await Promise.all(
    levels.map((l) => sizeOf(store, rollupTable(probe.name, l))),
  );
  const samples: Sample[] = [];
  let state: SparseState | undefined;
  let rowsPerSample = 0;
  for (let k = 0; k < runs; k++) {
    const collectedAt = new Date(end.getTime() - (runs - k) * probe.intervalSeconds * 1000);
    const rows = rowsAt(k);
    rowsPerSample = rows.length;
    if (!probe.sparse) {
      samples.push({ collectedAt, serverId, database, rows });
      continue;
    }
    const step = sparseStep(probe, state, rows, collectedAt);
    state = step.state;
    for (const s of step.samples)
      samples.push({ collectedAt: s.at, serverId, database, rows: s.rows, keyframe: s.keyframe });
  }
  for (let i = 0; i < samples.length; i += 500)
    await writeSamples(store, [{ spec: probe, samples: samples.slice(i, i + 500) }]);
  for (const level of levels)
    await refreshRollup(store, probe, level, { from: new Date(end.getTime() - DAY), to: end });
  const rawAfter = await sizeOf(store, probe.name);
  const rollupsAfter = await Promise.all(
    levels.map((l) => sizeOf(store, rollupTable(probe.name, l))),
  );
  const raw = {
    heap: rawAfter.heap - rawBefore.heap,
    toast: rawAfter.toast - rawBefore.toast,
    index: rawAfter.index - rawBefore.index,
  };
  const perLevel = rollupsAfter.map((s, i) => total(s) - total(rollupsBefore[i]!));
  const rollups = perLevel.reduce((a, b) => a + b, 0);
  // change-tracked probes: a day's snapshot is what is kept (the newest stays for ever)
  const rawDays = probe.changeTracked ? 1 : probe.retentionDays;
  const retained =
    total(raw) * rawDays +
    perLevel.reduce(
      (n, b, i) => n + b * Math.max(ROLLUP_RETENTION_DAYS[levels[i]!], probe.retentionDays),
      0,
    );
  return {
    rowsPerSample,
    rowsPerDay: samples.reduce((n, s) => n + s.rows.length, 0),
    raw,
    rollups,
    retained,
    total: total(raw) + rollups,
  };
}

export async function benchStorage(): Promise<{ bytesPerDay: number; byProbe: ProbeStorage[] }> {
  const { server, done } = await benchServer('storage', {
    shared_preload_libraries: 'pg_stat_statements',
    'pg_stat_statements.max': 10000,
    'pg_stat_statements.track': 'all',
  });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  admin.on('error', () => undefined);
  await admin.connect();
  const sessions: {
    name: string;
    client: pg.Client;
    ctx: Awaited<ReturnType<typeof loadProbeContext>>;
  }[] = [];
  try {
    await admin.query('CREATE DATABASE app');
    await admin.query('CREATE DATABASE store');
    await admin.query('CREATE DATABASE worst');
    await admin.query('CREATE EXTENSION pg_stat_statements');
    const app = new pg.Client({ connectionString: server.url('app') });
    await app.connect();
    await app.query('CREATE EXTENSION pg_stat_statements');
    await app.query(FIXTURE);
    await app.end();
    for (const name of ['postgres', 'app']) {
      const client = new pg.Client({
        connectionString: server.url(name),
        application_name: 'pgvigil',
      });
      await client.connect();
      const version = Number(
        (await client.query('SHOW server_version_num')).rows[0].server_version_num,
      );
      sessions.push({ name, client, ctx: await loadProbeContext(client, version) });
    }
    const store = createDb({ url: server.url('store'), applicationName: 'pgvigil-bench' });
    await migrate(store);
    const worstStore = createDb({ url: server.url('worst'), applicationName: 'pgvigil-bench' });
    await migrate(worstStore);
    const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const byProbe: ProbeStorage[] = [];
    try {
      for (const probe of PROBES) {
        await ensureMetricTable(store, probe, end);
        const targets = probe.scope === 'instance' ? sessions.slice(0, 1) : sessions;
        for (const s of targets) {
          const r = await runProbe(s.client, probe, s.ctx);
          if (r.status !== 'ok' || r.rows.length === 0) continue;
          let rows = r.rows;
          // what the collector stores per run: the deltas of the statements that ran, capped
          if (probe.mode === 'delta')
            rows = rows.slice(
              0,
              Math.min(ACTIVE_STATEMENTS_PER_MINUTE, (probe.deltaTopN ?? Infinity) + 1),
            );
          const day = await oneDay(store, probe, s.name, 1, activity(probe, rows, false), end);
          // the worst case for a sparse probe: every row moves every run (its own datastore,
          // so rollups recomputed there do not count the other day's)
          if (probe.sparse) await ensureMetricTable(worstStore, probe, end);
          const worst = probe.sparse
            ? (await oneDay(worstStore, probe, s.name, 1, activity(probe, rows, true), end)).total
            : day.total;
          const seen = byProbe.find((p) => p.probe === probe.name);
          if (!seen) byProbe.push({ probe: probe.name, worst, ...day });
          else {
            seen.rowsPerSample += day.rowsPerSample;
            seen.rowsPerDay += day.rowsPerDay;
            seen.raw.heap += day.raw.heap;
            seen.raw.toast += day.raw.toast;
            seen.raw.index += day.raw.index;
            seen.rollups += day.rollups;
            seen.retained += day.retained;
            seen.total += day.total;
            seen.worst += worst;
          }
        }
      }
    } finally {
      await store.close();
      await worstStore.close();
    }
    byProbe.sort((a, b) => b.total - a.total);
    const bytesPerDay = byProbe.reduce((n, p) => n + p.total, 0);
    const worst = byProbe.reduce((n, p) => n + p.worst, 0);
    const retained = byProbe.reduce((n, p) => n + p.retained, 0);
    const rows = byProbe.reduce((n, p) => n + p.rowsPerDay, 0);
    const mb = (b: number) => fmt(b / 1e6, 1);
    console.log(
      `storage: ${mb(bytesPerDay)} MB per server per day at default intervals (target < 40), ${ACTIVE_STATEMENTS_PER_MINUTE} statements active per minute, sparse rows moving: the first ${BUSY_SHARE * 100} % every run, the others ${MOVE_CHANCE * 100} % of runs`,
    );
    console.log(`  every row of the sparse probes moving every run: ${mb(worst)} MB`);
    console.log(
      `  ${fmt(rows)} rows stored per day; kept at the default retentions: ${fmt(retained / 1e9, 2)} GB per server`,
    );
    console.log(
      '  probe                      rows/sample rows stored/day  B/row  heap MB  toast MB  index MB  rollups MB  total MB  worst MB',
    );
    for (const p of byProbe.filter((x) => x.total >= 0.05e6)) {
      console.log(
        `  ${p.probe.padEnd(26)} ${fmt(p.rowsPerSample).padStart(11)} ${fmt(p.rowsPerDay).padStart(15)} ${fmt((p.total - p.rollups) / p.rowsPerDay).padStart(6)} ${mb(p.raw.heap).padStart(8)} ${mb(p.raw.toast).padStart(9)} ${mb(p.raw.index).padStart(9)} ${mb(p.rollups).padStart(11)} ${mb(p.total).padStart(9)} ${mb(p.worst).padStart(9)}`,
      );
    }
    return { bytesPerDay, byProbe };
  } finally {
    for (const s of sessions) await s.client.end();
    await admin.end();
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStorage();
