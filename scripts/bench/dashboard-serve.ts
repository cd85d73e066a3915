// Keeps the dashboard benchmark's datastore (BENCH_KEEP=<dir>) running on BENCH_STORE_PORT and
// topped up to the minute, so several page benches can share one seeded store at once
// (BENCH_STORE_URL=<printed url> BENCH_KEEP=<dir> npx tsx scripts/bench/dashboard.ts).
// Stops on SIGINT or SIGTERM.
import { openBenchStore } from './dashboard-store';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);

async function main(): Promise<void> {
  if (!process.env.BENCH_KEEP) throw new Error('set BENCH_KEEP=<dir> (the store to serve)');
  if (process.env.BENCH_STORE_URL) throw new Error('unset BENCH_STORE_URL: this serves a store');
  const store = await openBenchStore(SERVERS, DAYS);
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    await store.done();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  const tick = async () => {
    if (stopping) return;
    const end = await store.topUp();
    console.log(`${new Date().toISOString()} topped up to ${end.toISOString()}`);
    if (!stopping) timer = setTimeout(() => void tick(), 60_000);
  };
  await tick();
  console.log(`serving ${store.dir}: BENCH_STORE_URL=${store.url} BENCH_KEEP=${store.dir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
