import type { Sample } from '@pgvigil/db/metrics';
import {
  collectLogEvents,
  isConnectionLoss,
  LOG_EVENTS_METRIC,
  type LogCursor,
  type LogRecord,
  type ProbeClient,
  type ProbeResult,
} from '@pgvigil/probes';

export interface LogReaderDeps {
  /** the stored cursor (null: never read); throws while the datastore is away */
  load(): Promise<LogCursor | null>;
  save(cursor: LogCursor): Promise<void>;
  sink(sample: Omit<Sample, 'serverId'>): void;
  /** what else reads the records (auto_explain plans) */
  records?(records: readonly LogRecord[]): Promise<void>;
  now(): number;
  /** between runs (default the metric's interval, a minute) */
  everyMs?: number;
}

/**
 * Log insights of one server, on the instance session: once a minute the log bytes
 * written since the cursor become rows of metrics.log_events. The cursor lives in
 * memory and in the datastore (read once, written after each run), so neither a
 * restart nor a takeover by another collector reads a byte twice.
 */
export class LogReader {
  private cursor: LogCursor | null | undefined;
  private dueAt = 0;

  constructor(private readonly deps: LogReaderDeps) {}

  isDue(now: number): boolean {
    return now >= this.dueAt;
  }

  get nextDue(): number {
    return this.dueAt;
  }

  /** One run; the result is what the probe stats record. `lost`: the session is gone. */
  async run(client: ProbeClient): Promise<{ result: ProbeResult; lost: boolean }> {
    const now = this.deps.now();
    this.dueAt = now + (this.deps.everyMs ?? LOG_EVENTS_METRIC.intervalSeconds * 1000);
    const probe = LOG_EVENTS_METRIC.name;
    if (this.cursor === undefined) {
      try {
        this.cursor = await this.deps.load();
      } catch (err) {
        const reason = `cursor not readable from the datastore: ${(err as Error).message}`;
        return { result: { probe, status: 'failed', reason, ms: 0 }, lost: false };
      }
    }
    const r = await collectLogEvents(client, this.cursor, { now: new Date(now) });
    if (r.status === 'unavailable') return { result: { probe, ...r }, lost: false };
    if (r.status === 'failed') {
      const lost = r.sqlState === undefined || isConnectionLoss(r.sqlState);
      return { result: { probe, ...r, connectionLost: lost }, lost };
    }
    if (r.rows.length > 0) this.deps.sink({ collectedAt: new Date(now), rows: r.rows });
    if (r.records.length > 0 && this.deps.records)
      await this.deps.records(r.records).catch(() => undefined);
    if (r.cursor) {
      this.cursor = r.cursor;
      // datastore away: memory keeps the place; only a restart before it returns rereads
      await this.deps.save(r.cursor).catch(() => undefined);
    }
    const notes = r.notes.length ? { notes: r.notes } : {};
    return { result: { probe, status: 'ok', rows: r.rows, ms: r.ms, ...notes }, lost: false };
  }
}
