import { hostname } from 'node:os';
import { createDb, EnvError, scheduleMaintenance, startHeartbeat } from '@pgvigil/db';
import { loadEnv } from './env';

function log(message: string) {
  console.log(message);
}

async function main() {
  const env = loadEnv();
  const instanceId = env.PGVIGIL_COLLECTOR_ID ?? `${hostname()}:${process.pid}`;
  const db = createDb({ url: env.DATABASE_URL, applicationName: 'pgvigil-collector', max: 4 });
  const maintenance = scheduleMaintenance(db, (report) => {
    if (report.created.length || report.dropped.length) {
      log(`partitions: created ${report.created.length}, dropped ${report.dropped.length}`);
    }
    for (const e of report.errors) log(`partition maintenance failed for ${e.table}: ${e.message}`);
  });
  await maintenance
    .runNow()
    .catch((err: unknown) => log(`partition maintenance failed: ${String(err)}`));
  const heartbeat = startHeartbeat(db, 'collector', instanceId);
  log(`collector ${instanceId} started`);

  const shutdown = async () => {
    heartbeat.stop();
    maintenance.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
