// The engine `npm start` runs: the collector and the alerter as two services of ONE
// process, so the platform pays once for Node and for the libraries both load (pg,
// zod, the datastore code): about 50 MB less at idle than two processes
// (docs/performance.md). They share nothing but the process: each has its own pool,
// heartbeat and loop, exactly as in its own process (apps/*/src/main.ts still run
// them apart). A crash of either ends the process; the supervisor restarts both.
import { EnvError } from '@pgvigil/db';
import { stopWithSupervisor } from '@pgvigil/db/supervised';
import { startAlerter } from '../apps/alerter/src/service';
import { startCollector } from '../apps/collector/src/service';

interface Running {
  stop(): Promise<void>;
}

async function main() {
  const running: Running[] = [];
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.all(running.map((service) => service.stop()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  stopWithSupervisor(() => void shutdown());
  await Promise.all([
    startCollector((m) => console.log(`collector: ${m}`)).then((s) => running.push(s)),
    startAlerter((m) => console.log(`alerter: ${m}`)).then((s) => running.push(s)),
  ]);
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
