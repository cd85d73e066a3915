import { performance } from 'node:perf_hooks';
import { selectSql } from './select-sql';
import type { ColumnDef, ProbeDefinition, ProbeResult } from './types';

/** The part of a pg.Client the runner needs. */
export interface ProbeClient {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; fields: { name: string }[] }>;
}

export interface ProbeContext {
  serverVersion: number;
  /** installed extensions in the connected database: name -> version */
  extensions: ReadonlyMap<string, string>;
  /** the connected database's name, for messages */
  database: string;
  lockTimeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

function sqlStateOf(err: unknown): string | undefined {
  const code =
    typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Connection-level failures: the session is gone and the server should be re-checked. */
export function isConnectionLoss(sqlState: string | undefined): boolean {
  return (
    sqlState !== undefined &&
    (sqlState.startsWith('08') ||
      ['57P01', '57P02', '57P03', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(
        sqlState,
      ))
  );
}

/** A value as the probe definition types it (numbers, Date, boolean, string, JSON). */
export function coerce(column: Pick<ColumnDef, 'type'>, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'bigint':
      // a 64-bit identifier (a queryid) beyond what a JS number holds stays exact, as text
      if (
        typeof value === 'string' &&
        /^-?\d+$/.test(value) &&
        !Number.isSafeInteger(Number(value))
      )
        return value;
      return typeof value === 'number' ? value : Number(value);
    case 'int':
    case 'double':
      return typeof value === 'number' ? value : Number(value);
    case 'timestamptz':
      return value instanceof Date ? value : new Date(String(value));
    case 'boolean':
      return Boolean(value);
    case 'text':
      return typeof value === 'string' ? value : String(value);
    case 'jsonb':
      return value;
  }
}

/**
 * Puts the `/* pgvigil:<probe> *\/` marker just after the first keyword: PostgreSQL 18's
 * pg_stat_statements drops leading comments, but keeps those inside the statement.
 */
export function markSql(probe: string, sql: string): string {
  const marker = `/* pgvigil:${probe} */`;
  const trimmed = sql.trimStart();
  const match = /^(SELECT|WITH)\b/i.exec(trimmed);
  return match ? `${match[1]} ${marker}${trimmed.slice(match[1]!.length)}` : `${marker} ${trimmed}`;
}

/** Runs one probe in a read-only transaction; every outcome is a value. */
export async function runProbe(
  client: ProbeClient,
  probe: ProbeDefinition,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 100) / 100;
  const unavailable = (reason: string): ProbeResult => ({
    probe: probe.name,
    status: 'unavailable',
    reason,
    ms: ms(),
  });
  if (ctx.serverVersion < probe.minServerVersion) {
    return unavailable(`needs PostgreSQL ${Math.floor(probe.minServerVersion / 10000)} or later`);
  }
  const extVersion = probe.requiresExtension
    ? ctx.extensions.get(probe.requiresExtension)
    : undefined;
  if (probe.requiresExtension && extVersion === undefined) {
    return unavailable(
      `extension ${probe.requiresExtension} is not installed in database ${ctx.database}`,
    );
  }
  const variant = selectSql(probe, ctx.serverVersion, extVersion);
  if (!variant) return unavailable(`no SQL for this server or extension version`);

  const timeout = probe.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeout)}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.floor(ctx.lockTimeoutMs ?? 1000)}`);
    const result = await client.query(
      markSql(probe.name, variant.sql),
      probe.topN ? [probe.topN] : [],
    );
    await client.query('COMMIT');
    const expected = probe.columns.map((c) => c.name).sort();
    const got = result.fields.map((f) => f.name).sort();
    if (expected.join() !== got.join()) {
      return {
        probe: probe.name,
        status: 'failed',
        reason: `columns differ from the definition: got ${got.join(', ')}`,
        ms: ms(),
      };
    }
    const rows = result.rows.map((r) =>
      Object.fromEntries(probe.columns.map((c) => [c.name, coerce(c, r[c.name])])),
    );
    if (probe.roundTripColumn) for (const r of rows) r[probe.roundTripColumn] = ms();
    return { probe: probe.name, status: 'ok', rows, ms: ms() };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const state = sqlStateOf(err);
    if (state === '42501') {
      return unavailable('permission denied: grant pg_monitor (or pg_read_all_stats) to the user');
    }
    if (state === '55000' && probe.requiresExtension) {
      return unavailable(
        `${probe.requiresExtension} is installed but not loaded (shared_preload_libraries)`,
      );
    }
    const reason =
      state === '57014'
        ? `timed out after ${timeout} ms (statement_timeout)`
        : state === '55P03'
          ? 'waited too long for a lock (lock_timeout)'
          : err instanceof Error
            ? err.message
            : String(err);
    // Errors the server reports carry a severity; anything else came from the socket.
    const fromServer = typeof (err as { severity?: unknown }).severity === 'string';
    return {
      probe: probe.name,
      status: 'failed',
      reason,
      sqlState: state,
      connectionLost: isConnectionLoss(state) || !fromServer,
      ms: ms(),
    };
  }
}
