// Dashboard read benchmark: a datastore seeded with DAYS days of per-minute
// database_stats samples for SERVERS servers (2 databases each), rolled up like
// the collector does; then p50 / p95 of the fleet read and of 7- and 30-day chart
// reads, each long-range chart compared with the same chart computed from raw rows
// in the same run. Calls the functions the /api/v1 routes call (no HTTP, no auth).
//   npx tsx scripts/bench/dashboard.ts            (BENCH_SERVERS=100 BENCH_DAYS=30)
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, migrate, type Db } from '@pgvigil/db';
import { listFleet, readChart, shapeChart, CHARTS, bucketSecondsFor } from '@pgvigil/db/dashboard';
import { startEmbedded } from '@pgvigil/db/embedded';
import {
  ensureMetricTable,
  readSeries,
  refreshRollup,
  writeSamples,
  type MetricSpec,
} from '@pgvigil/db/metrics';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DAY = 86_400_000;

const spec: MetricSpec = {
  name: 'database_stats',
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 35,
  changeTracked: false,
  columns: [
    { name: 'datname', type: 'text', key: true },
    { name: 'numbackends', type: 'int' },
    ...[
      'xact_commit',
      'xact_rollback',
      'blks_read',
      'blks_hit',
      'tup_fetched',
      'tup_inserted',
      'tup_updated',
      'tup_deleted',
      'deadlocks',
      'temp_bytes',
    ].map((name) => ({ name, type: 'bigint' as const, counter: true })),
  ],
};

/** Counters that grow with a daily wave, and a restart (reset) every 10 days. */
function rowsAt(minute: number, server: number) {
  const wave = 1 + 0.5 * Math.sin((minute / 1440) * 2 * Math.PI);
  const sinceReset = minute % (10 * 1440);
  return ['app', 'postgres'].map((datname, d) => {
    const k = sinceReset * (d === 0 ? 600 + server : 5) * wave;
    return {
      datname,
      numbackends: 5 + (minute % 7),
      xact_commit: Math.round(k),
      xact_rollback: Math.round(k / 100),
      blks_read: Math.round(k / 10),
      blks_hit: Math.round(k * 30),
      tup_fetched: Math.round(k * 4),
      tup_inserted: Math.round(k / 2),
      tup_updated: Math.round(k / 3),
      tup_deleted: Math.round(k / 20),
      deadlocks: 0,
      temp_bytes: Math.round(k * 100),
    };
  });
}

async function seed(db: Db, start: Date): Promise<{ ids: number[]; rows: number }> {
  const ids: number[] = [];
  for (let s = 0; s < SERVERS; s++) {
    const [r] = await db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ($1, '10.0.0.1', 'pgvigil') RETURNING id`,
      [`bench-${s}`],
    );
    ids.push(r!.id);
  }
  await db.query(
    `INSERT INTO server_status (server_id, state, since, checked_at, collector_id)
     SELECT id, 'up', now(), now(), 'bench' FROM servers`,
  );
  let rows = 0;
  for (let day = 0; day < DAYS; day++) {
    const dayStart = new Date(start.getTime() + day * DAY);
    await ensureMetricTable(db, spec, dayStart);
    for (const [n, id] of ids.entries()) {
      const samples = Array.from({ length: 1440 }, (_, m) => ({
        collectedAt: new Date(dayStart.getTime() + m * 60_000),
        serverId: id,
        rows: rowsAt(day * 1440 + m, n),
      }));
      rows += await writeSamples(db, [{ spec, samples }]);
    }
    await refreshRollup(db, spec, '5m', { from: dayStart, to: new Date(dayStart.getTime() + DAY) });
    await refreshRollup(db, spec, '1h', { from: dayStart, to: new Date(dayStart.getTime() + DAY) });
    process.stdout.write(`\rseeded day ${day + 1}/${DAYS} (${rows} raw rows)`);
  }
  process.stdout.write('\n');
  await db.query('VACUUM ANALYZE');
  return { ids, rows };
}

async function timeit(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await fn(); // warm
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const pick = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return { p50: pick(0.5), p95: pick(0.95) };
}

/** The same chart from raw rows: what a reader without rollups would do. */
async function rawChart(db: Db, serverId: number, from: Date, to: Date) {
  const s = await readSeries(db, {
    probe: 'database_stats',
    serverId,
    columns: [...CHARTS.tps.columns],
    from,
    to,
    resolution: 'raw',
  });
  return shapeChart(s.points, CHARTS.tps, bucketSecondsFor(from, to, 60));
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-dash-'));
  await chmod(dir, 0o755);
  const pg = await startEmbedded({
    dataDir: path.join(dir, 'data'),
    superuserPassword: 'bench',
    settings: { fsync: 'off', shared_buffers: '256MB' },
  });
  const db = createDb({ url: pg.url('postgres'), applicationName: 'bench' });
  try {
    await migrate(db);
    const end = new Date(Math.floor(Date.now() / DAY) * DAY);
    const start = new Date(end.getTime() - DAYS * DAY);
    const t0 = performance.now();
    const { ids, rows } = await seed(db, start);
    console.log(
      `seed: ${SERVERS} servers x ${DAYS} days, ${rows} raw rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    const server = ids[Math.floor(ids.length / 2)]!;
    const results: string[] = [];
    const fmt = (x: { p50: number; p95: number }) =>
      `p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms`;
    const fleet = await timeit(() => listFleet({ db, input: { pageSize: 50 }, at: end }));
    results.push(`fleet (50 of ${SERVERS} servers, health + current rates): ${fmt(fleet)}`);
    for (const days of [7, 30].filter((d) => d <= DAYS)) {
      const from = new Date(end.getTime() - days * DAY);
      const api = await timeit(() =>
        readChart({ db, input: { serverId: server, chart: 'tps', from, to: end } }),
      );
      const raw = await timeit(() => rawChart(db, server, from, end));
      const chart = await readChart({
        db,
        input: { serverId: server, chart: 'tps', from, to: end },
      });
      results.push(
        `${days}-day TPS chart (${chart.resolution}, ${chart.rows.length} points): ${fmt(api)}; same chart from raw rows: ${fmt(raw)}; raw/rollup p50 ratio ${(raw.p50 / api.p50).toFixed(1)}x`,
      );
    }
    console.log(results.join('\n'));
  } finally {
    await db.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
