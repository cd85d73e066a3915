import { performance } from 'node:perf_hooks';
import type { ProbeClient } from '../run-probe';
import { logAccess } from './access';
import { logEventRows } from './events';
import type { LogRecord } from './parse';
import { readLog, type LogCursor } from './reader';

export type LogCollection =
  | {
      status: 'ok';
      rows: Record<string, unknown>[];
      /** the parsed records, for readers of more than counts (auto_explain plans) */
      records: LogRecord[];
      cursor: LogCursor | null;
      bytes: number;
      notes: string[];
      ms: number;
    }
  | { status: 'unavailable'; reason: string; ms: number }
  | { status: 'failed'; reason: string; sqlState?: string; ms: number };

/** One run of log insights: access check, the new bytes, their rows. Every outcome a value. */
export async function collectLogEvents(
  client: ProbeClient,
  cursor: LogCursor | null,
  opts: { now: Date; maxBytes?: number },
): Promise<LogCollection> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 100) / 100;
  try {
    const access = await logAccess(client);
    if (!access.ok)
      return { status: 'unavailable', reason: `${access.reason}: ${access.fix}`, ms: ms() };
    const read = await readLog(client, access, cursor, opts);
    return { status: 'ok', rows: logEventRows(read.records), ...read, ms: ms() };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return {
      status: 'failed',
      reason: err instanceof Error ? err.message : String(err),
      ...(typeof code === 'string' ? { sqlState: code } : {}),
      ms: ms(),
    };
  }
}
