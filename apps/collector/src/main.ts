// The collector in a process of its own (`npm start` runs it beside the alerter in
// one engine process instead: scripts/engine.ts).
import { EnvError } from '@pgvigil/db';
import { stopWithSupervisor } from '@pgvigil/db/supervised';
import { startCollector } from './service';

async function main() {
  const service = await startCollector((message) => console.log(message));
  const shutdown = async () => {
    await service.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  stopWithSupervisor(() => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
