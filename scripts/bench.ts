// `npm run bench`: benchmarks print ratios against a reference measured in the same run.
// Dashboard reads: in process, over HTTP and in Chromium (figures in docs/performance.md).
const { benchDashboard } = await import('./bench/dashboard');
await benchDashboard();
const { benchDashboardFleet } = await import('./bench/dashboard-fleet');
await benchDashboardFleet();
// Collector benchmarks (figures in docs/performance.md).
const { benchIngest } = await import('./bench/ingest');
await benchIngest();
const { benchCycleCost } = await import('./bench/cycle-cost');
await benchCycleCost();
const { benchStorage } = await import('./bench/storage');
await benchStorage();
const { benchFleet } = await import('./bench/fleet');
await benchFleet();
// Big servers: 1,000 databases; 50,000 tables, 100,000 indexes, 10,000 sequences.
const { benchBigServer } = await import('./bench/big-server');
await benchBigServer();
// Alerter benchmarks (figures in docs/alerting.md); the module runs when imported.
await import('./bench/alerter');
