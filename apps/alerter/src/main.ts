import { hostname } from 'node:os';
import { createDb, EnvError, startHeartbeat } from '@pgvigil/db';
import { loadEnv } from './env';

async function main() {
  const env = loadEnv();
  const instanceId = `${hostname()}:${process.pid}`;
  const db = createDb({ url: env.DATABASE_URL, applicationName: 'pgvigil-alerter', max: 4 });
  const heartbeat = startHeartbeat(db, 'alerter', instanceId);
  console.log(`alerter ${instanceId} started`);

  const shutdown = async () => {
    heartbeat.stop();
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
