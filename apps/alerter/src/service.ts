// The alerter as a service: started by its own process (main.ts) or, beside the
// collector, by the engine process `npm start` runs (scripts/engine.ts).
import { hostname } from 'node:os';
import { createDb, loadSecretBox, startHeartbeat } from '@pgvigil/db';
import { syncCatalog } from '@pgvigil/alerting';
import { loadEnv } from './env';
import { startLoop } from './loop';

export interface RunningService {
  stop(): Promise<void>;
}

/** Starts the alerting loop; throws EnvError on a bad environment. */
export async function startAlerter(log: (message: string) => void): Promise<RunningService> {
  const env = loadEnv();
  const instanceId = `${hostname()}:${process.pid}`;
  const db = createDb({ url: env.DATABASE_URL, applicationName: 'pgvigil-alerter', max: 4 });
  const box = await loadSecretBox({
    key: env.PGVIGIL_SECRET_KEY,
    previous: env.PGVIGIL_SECRET_KEY_PREVIOUS,
    home: env.PGVIGIL_HOME,
  });
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
  log(`alerter ${instanceId} started`);

  return {
    async stop() {
      heartbeat.stop();
      await loop.stop();
      await db.close();
    },
  };
}
