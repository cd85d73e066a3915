// The collector as a service: started by its own process (main.ts) or, beside the
// alerter, by the engine process `npm start` runs (scripts/engine.ts).
import { hostname } from 'node:os';
import { createDb, loadSecretBox, scheduleMaintenance, startHeartbeat } from '@pgvigil/db';
import { closeTunnels } from '@pgvigil/probes';
import { Collector } from './collector';
import { loadEnv } from './env';

export interface RunningService {
  stop(): Promise<void>;
}

/** Starts collecting; throws EnvError on a bad environment. */
export async function startCollector(log: (message: string) => void): Promise<RunningService> {
  const env = loadEnv();
  const instanceId = env.PGVIGIL_COLLECTOR_ID ?? `${hostname()}:${process.pid}`;
  const db = createDb({ url: env.DATABASE_URL, applicationName: 'pgvigil-collector', max: 4 });
  const box = await loadSecretBox({
    key: env.PGVIGIL_SECRET_KEY,
    previous: env.PGVIGIL_SECRET_KEY_PREVIOUS,
    home: env.PGVIGIL_HOME,
  });
  const maintenance = scheduleMaintenance(db, (report) => {
    if (report.created.length || report.dropped.length) {
      log(`partitions: created ${report.created.length}, dropped ${report.dropped.length}`);
    }
    for (const e of report.errors) log(`partition maintenance failed for ${e.table}: ${e.message}`);
  });
  const collector = new Collector({
    db,
    box,
    collectorId: instanceId,
    bufferRows: env.PGVIGIL_COLLECTOR_BUFFER_ROWS,
    planTopN: env.PGVIGIL_PLANS_TOP_N,
    log,
  });
  // Beat first: creating every probe's tables on a new datastore takes a few seconds.
  const heartbeat = startHeartbeat(db, 'collector', instanceId, () => collector.info());
  // Tables first (the collector creates them), then their partitions.
  await collector.start();
  await maintenance
    .runNow()
    .catch((err: unknown) => log(`partition maintenance failed: ${String(err)}`));
  log(`collector ${instanceId} started`);

  return {
    async stop() {
      heartbeat.stop();
      maintenance.stop();
      await collector.stop().catch(() => undefined);
      closeTunnels();
      await db.close();
    },
  };
}
