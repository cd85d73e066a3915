// The alerter in a process of its own (`npm start` runs it beside the collector in
// one engine process instead: scripts/engine.ts).
import { EnvError } from '@pgvigil/db';
import { stopWithSupervisor } from '@pgvigil/db/supervised';
import { startAlerter } from './service';

async function main() {
  const service = await startAlerter((m) => console.log(`alerter: ${m}`));
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
