// `npm run bench`: benchmarks print ratios against a reference measured in the same run.
// The processes it starts run compiled, as `npm start` runs them.
const { buildRuntime } = await import('./lib/runtime');
await buildRuntime();
// Dashboard reads: in process, over HTTP and in Chromium (figures in docs/performance.md).
const { benchDashboard } = await import('./bench/dashboard');
await benchDashboard();
const { benchDashboardFleet } = await import('./bench/dashboard-fleet');
await benchDashboardFleet();
// The JavaScript each page ships, from the build the dashboard benchmarks served.
const { spawnSync: spawnBundle } = await import('node:child_process');
spawnBundle(
  process.execPath,
  [
    '--import',
    'tsx',
    'apps/web/scripts/bundle.ts',
    process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-bench',
    '--check',
  ],
  { stdio: 'inherit' },
);
// Collector benchmarks (figures in docs/performance.md).
const { benchIngest } = await import('./bench/ingest');
await benchIngest();
const { benchCycleCost } = await import('./bench/cycle-cost');
await benchCycleCost();
const { benchStorage } = await import('./bench/storage');
await benchStorage();
const { benchFleet } = await import('./bench/fleet');
await benchFleet();
// The collector's memory at 100 databases (issue 22: under 100 MB + 2 MB a database).
const { spawnSync: spawnFleet } = await import('node:child_process');
spawnFleet(process.execPath, ['--import', 'tsx', 'scripts/bench/fleet.ts'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    BENCH_FLEET_SERVERS: '10',
    BENCH_FLEET_SECONDS: process.env.BENCH_FLEET_SECONDS ?? '480',
    BENCH_FLEET_SHARED: '0',
  },
});
// Big servers: 1,000 databases; 50,000 tables, 100,000 indexes, 10,000 sequences.
const { benchBigServer } = await import('./bench/big-server');
await benchBigServer();
// Alerter benchmarks (figures in docs/alerting.md); the module runs when imported.
await import('./bench/alerter');
// Backtest of one rule over 100 servers and 30 days (figures in docs/alerting.md).
const { benchBacktest } = await import('./bench/backtest');
await benchBacktest();
// The collector's buffer: memory per buffered row (figures in docs/operations.md).
// (in the collector's own tree: apps meet only in the datastore, scripts run them)
const { spawnSync } = await import('node:child_process');
spawnSync(process.execPath, ['--import', 'tsx', 'apps/collector/src/cli/buffer-memory.ts'], {
  stdio: 'inherit',
});
// The platform's idle memory per process (figures in docs/performance.md).
const { benchFootprint } = await import('./bench/footprint');
await benchFootprint();
// pgvigil's own faults (figures in docs/performance.md): apps killed with -9 in a loop,
// then the soak (shortened by default; PGVIGIL_SOAK_MINUTES=120 for the full one).
const { benchKillLoop } = await import('./bench/kill-loop');
await benchKillLoop();
const { benchSoak } = await import('./bench/soak');
await benchSoak();
