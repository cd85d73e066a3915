// Dashboard reads on a datastore seeded with BENCH_DAYS days of BENCH_SERVERS servers
// (dashboard-store.ts): p50 / p95 of the fleet read, of a server's 7- and 30-day charts,
// each against the same chart computed from raw rows in the same run, and of the
// database tables read for a database with 1,000 tables; in process (the functions the
// /api/v1 routes call), then over HTTP and in Chromium (dashboard-web.ts).
//   npx tsx scripts/bench/dashboard.ts
// BENCH_SERVERS (100), BENCH_DAYS (30), BENCH_RUNS (20), BENCH_RAW_RUNS (5),
// BENCH_RENDER_RUNS (20), BENCH_KEEP=<dir> (keep the seeded datastore for the next run),
// BENCH_WEB=0 (skip HTTP and Chromium), BENCH_IN_PROCESS=0 and BENCH_HTTP=0 (skip those),
// BENCH_PAGES=server,table (only those pages in Chromium), BENCH_PROFILE=server,7 d (a CPU
// profile of one load instead), BENCH_WEB_BUILD=0 (serve the web build already there),
// BENCH_WEB_NODE_ARGS='--cpu-prof --cpu-prof-dir=<dir>' (node options of the web app only).
import type { Db } from '@pgvigil/db';
import {
  CHARTS,
  bucketSecondsFor,
  listDatabaseTables,
  listFleet,
  MAX_POINTS,
  readChart,
  shapeChart,
  type ChartId,
} from '@pgvigil/db/dashboard';
import { readSeries } from '@pgvigil/db/metrics';
import { openBenchStore } from './dashboard-store';
import { TABLES } from './dashboard-seed';
import { benchDashboardWeb } from './dashboard-web';
import { fmt, fmtMs, percentiles } from './lib';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const RAW_RUNS = Number(process.env.BENCH_RAW_RUNS ?? 5);
const DAY = 86_400_000;
/** Server page charts timed at long ranges: one per probe family. */
export const LONG_RANGE_CHARTS: ChartId[] = ['tps', 'sessions', 'io', 'wal', 'replication_lag'];

/** The same chart from raw rows: what a reader without rollups would do. */
async function rawChart(db: Db, serverId: number, chart: ChartId, from: Date, to: Date) {
  const def = CHARTS[chart];
  const s = await readSeries(db, {
    probe: def.probe,
    serverId,
    columns: [...def.columns],
    from,
    to,
    resolution: 'raw',
    maxPoints: MAX_POINTS,
  });
  return shapeChart(s.points, def, s.bucketSeconds ?? bucketSecondsFor(from, to, 60));
}

async function inProcess(db: Db, ids: number[], end: Date): Promise<void> {
  const focus = ids[0]!;
  const fleet = await percentiles(RUNS, () =>
    listFleet({ db, input: { limit: 50, sort: 'severity', dir: 'desc' }, at: end }),
  );
  const byName = await percentiles(RUNS, () =>
    listFleet({ db, input: { limit: 50, sort: 'name', dir: 'asc', offset: 50 }, at: end }),
  );
  console.log(`  fleet, first page (50 of ${SERVERS}, by health): ${fmtMs(fleet)}`);
  console.log(`  fleet, second page by name: ${fmtMs(byName)}`);
  for (const days of [7, 30].filter((d) => d <= DAYS)) {
    const from = new Date(end.getTime() - days * DAY);
    for (const chart of LONG_RANGE_CHARTS) {
      const input = { serverId: focus, chart, from, to: end };
      const data = await readChart({ db, input });
      const api = await percentiles(RUNS, () => readChart({ db, input }));
      const raw = await percentiles(RAW_RUNS, () => rawChart(db, focus, chart, from, end));
      console.log(
        `  ${days}-day ${chart} (${data.resolution}, ${data.rows.length} points): ${fmtMs(api)}; from raw rows: ${fmtMs(raw)}; raw/rollup p50 ${fmt(raw.p50 / api.p50, 1)}x`,
      );
    }
  }
  for (const sort of ['size', 'dead']) {
    const input = { serverId: focus, database: 'app', sort };
    const rows = await listDatabaseTables({ db, input, at: end });
    const t = await percentiles(RUNS, () => listDatabaseTables({ db, input, at: end }));
    console.log(
      `  tables of a ${TABLES}-table database by ${sort} (${rows.length} rows): ${fmtMs(t)}`,
    );
  }
}

export async function benchDashboard(): Promise<void> {
  const store = await openBenchStore(SERVERS, DAYS);
  try {
    const s = store.state;
    console.log(
      `dashboard: ${s.servers} servers x ${s.days} days, ${fmt(s.rows)} rows written, seeded in ${fmt(s.seedSeconds)} s`,
    );
    const end = await store.topUp();
    if (process.env.BENCH_IN_PROCESS !== '0') {
      console.log('in process (the functions the /api/v1 routes call):');
      await inProcess(store.db, store.ids, end);
    }
    if (process.env.BENCH_WEB !== '0') await benchDashboardWeb(store);
  } finally {
    await store.done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDashboard();
