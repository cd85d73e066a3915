import cron from 'node-cron';
import type { Db } from './client';
import { runPartitionMaintenance, type MaintenanceReport } from './partitions';

export interface MaintenanceJob {
  runNow(): Promise<MaintenanceReport>;
  stop(): void;
}

/**
 * Keeps partitions created ahead and expired ones dropped: once at start, then on a
 * cron schedule (every 15 minutes by default; creation is idempotent).
 */
export function scheduleMaintenance(
  db: Db,
  onReport: (report: MaintenanceReport) => void,
  schedule = '*/15 * * * *',
): MaintenanceJob {
  let running: Promise<MaintenanceReport> | null = null;
  const runNow = () => {
    running ??= runPartitionMaintenance(db, new Date()).finally(() => (running = null));
    return running;
  };
  const task = cron.schedule(schedule, () => {
    runNow().then(onReport, (err: unknown) =>
      onReport({ created: [], dropped: [], errors: [{ table: '*', message: String(err) }] }),
    );
  });
  return { runNow, stop: () => void task.stop() };
}
