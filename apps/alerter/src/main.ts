import { hostname } from 'node:os';
import { createDb, EnvError, loadSecretBox, startHeartbeat } from '@pgvigil/db';
import { loadEnv } from './env';
import { syncCatalog } from '@pgvigil/alerting';
import { startLoop } from './loop';

async function main() {
  const env = loadEnv();
  const instanceId = `${hostname()}:${process.pid}`;
  const db = createDb({ url: env.DATABASE_URL, applicationName: 'pgvigil-alerter', max: 4 });
  const box = await loadSecretBox({
    key: env.PGVIGIL_SECRET_KEY,
    previous: env.PGVIGIL_SECRET_KEY_PREVIOUS,
    home: env.PGVIGIL_HOME,
  });
  const log = (m: string) => console.log(`alerter: ${m}`);
  // the datastore may still be starting: keep trying rather than exit
  for (;;) {
    try {
      await syncCatalog(db);
      break;
    } catch (err) {
      log(`cannot sync the rule catalog yet (${String(err)}); retrying`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  const loop = startLoop(db, box, {
    intervalSeconds: env.ALERTER_INTERVAL_SECONDS,
    trendIntervalSeconds: env.ALERTER_TREND_INTERVAL_SECONDS,
    deliveryEveryMs: 1000,
    leaseSeconds: env.ALERTER_DELIVERY_LEASE_SECONDS,
    deliveryBatch: env.ALERTER_DELIVERY_BATCH,
    reminderSeconds: env.ALERTER_REMINDER_MINUTES * 60,
    baseUrl: env.PGVIGIL_BASE_URL,
    smtpUrl: env.SMTP_URL,
    heartbeatUrl: env.PGVIGIL_HEARTBEAT_URL,
    log,
  });
  // the heartbeat says which instance leads, so the UI and a peer can tell, and how
  // long its last cycle took
  const heartbeat = startHeartbeat(db, 'alerter', instanceId, () => ({
    leader: loop.status().leading,
    lastCycle: loop.status().lastCycle,
  }));
  console.log(`alerter ${instanceId} started`);

  const shutdown = async () => {
    heartbeat.stop();
    await loop.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
