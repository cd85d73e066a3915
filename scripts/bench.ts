// `npm run bench`: benchmarks print ratios against a reference measured in the same run.
// Each benchmark is a module that runs when imported.
await import('./bench/dashboard');
// Collector benchmarks (figures in docs/performance.md).
const { benchIngest } = await import('./bench/ingest');
await benchIngest();
const { benchCycleCost } = await import('./bench/cycle-cost');
await benchCycleCost();
