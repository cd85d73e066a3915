import { performance } from 'node:perf_hooks';
import { privilegeReason, type ProbePrivilege } from './privileges';
import { selectSql } from './select-sql';
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  RELATION_LOCK_BUDGET,
  type ColumnDef,
  type LockedReader,
  type ProbeDefinition,
  type ProbeResult,
} from './types';

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
  /** the role's privileges (PRIVILEGES_SQL); unset: not checked, the probe runs and may be refused */
  privileges?: { role: string; has: ReadonlySet<ProbePrivilege> };
}

export const DEFAULT_TIMEOUT_MS = 5_000;
/** objects per locked read: half the lock budget, the rest is room for the catalogs a statement locks */
const LOCKED_READ_BATCH = RELATION_LOCK_BUDGET / 2;

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

/** One read-only transaction with the probe's timeouts; returns the statement's result. */
async function readOnly(
  client: ProbeClient,
  timeoutMs: number,
  lockTimeoutMs: number,
  sql: string,
  values: unknown[],
): Promise<Awaited<ReturnType<ProbeClient['query']>>> {
  try {
    await client.query('BEGIN TRANSACTION READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
    await client.query(`SET LOCAL lock_timeout = ${Math.floor(lockTimeoutMs)}`);
    const result = await client.query(sql, values);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // An error from the server leaves the session usable once rolled back; any other (a
    // client-side query timeout, a lost socket) means it is dropped, and a ROLLBACK would
    // only wait for the same silence again.
    if (typeof (err as { severity?: unknown }).severity === 'string')
      await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

// A lock taken between the probe's look at pg_locks and its reads: the next attempt sees it.
const LOCK_ATTEMPTS = 3;

/** Notes for rows the probe collected only in part (their `skipped` column says why). */
function skippedNotes(rows: readonly Record<string, unknown>[]): string[] {
  const skipped = rows.filter((r) => typeof r.skipped === 'string');
  if (skipped.length === 0) return [];
  const first = skipped[0]!;
  const name = [first.schemaname, first.relname ?? first.indexrelname].filter(Boolean).join('.');
  return [`${skipped.length} row(s) partly skipped, e.g. ${name}: ${String(first.skipped)}`];
}

/** Runs one probe in read-only transactions; every outcome is a value. */
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
  const missing = ctx.privileges
    ? (probe.needs ?? []).filter((p) => !ctx.privileges?.has.has(p))
    : [];
  if (missing.length && ctx.privileges) {
    return unavailable(privilegeReason(missing, ctx.privileges.role));
  }
  const extVersion = probe.requiresExtension
    ? ctx.extensions.get(probe.requiresExtension)
    : undefined;
  if (probe.requiresExtension && extVersion === undefined) {
    return unavailable(
      `extension ${probe.requiresExtension} is not installed in database ${ctx.database}: CREATE EXTENSION ${probe.requiresExtension};${probe.preloaded ? ` (it must be in shared_preload_libraries first)` : ''}`,
    );
  }
  const variant = selectSql(probe, ctx.serverVersion, extVersion, ctx.privileges?.has);
  if (!variant) return unavailable(`no SQL for this server or extension version`);

  const timeout = probe.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const lockTimeout = ctx.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const sql = markSql(probe.name, variant.sql);
  try {
    let result: Awaited<ReturnType<ProbeClient['query']>> | undefined;
    for (let attempt = 1; !result; attempt++) {
      result = await readOnly(
        client,
        timeout,
        lockTimeout,
        sql,
        probe.topN && !probe.readLocked ? [probe.topN] : [],
      ).catch((err: unknown) => {
        if (sqlStateOf(err) === '55P03' && attempt < LOCK_ATTEMPTS) return undefined;
        throw err;
      });
    }
    let rows = result.rows;
    let notes: string[] = [];
    if (probe.readLocked) {
      const reader: LockedReader = {
        batchSize: LOCKED_READ_BATCH,
        lockTimeoutMs: lockTimeout,
        read: (text, values = []) =>
          readOnly(client, timeout, lockTimeout, markSql(probe.name, text), values).then(
            (r) => r.rows,
            (err: unknown) => {
              if (sqlStateOf(err) === '55P03') return 'locked' as const;
              throw err;
            },
          ),
      };
      ({ rows, notes } = await probe.readLocked(rows, reader, probe.topN ?? 1000));
    } else {
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
      notes = skippedNotes(rows);
    }
    const typed = rows.map((r) =>
      Object.fromEntries(probe.columns.map((c) => [c.name, coerce(c, r[c.name])])),
    );
    if (probe.roundTripColumn) for (const r of typed) r[probe.roundTripColumn] = ms();
    return {
      probe: probe.name,
      status: 'ok',
      rows: typed,
      ms: ms(),
      ...(notes.length ? { notes } : {}),
    };
  } catch (err) {
    if (
      probe.preloaded &&
      probe.requiresExtension &&
      (await notLoaded(client, probe.requiresExtension, err))
    )
      return unavailable(notLoadedReason(probe.requiresExtension));
    return failure(probe, err, timeout, lockTimeout, ms());
  }
}

const notLoadedReason = (extension: string) =>
  `${extension} is installed but not loaded: add it to shared_preload_libraries (ALTER SYSTEM SET shared_preload_libraries = '<current list>, ${extension}') and restart`;

/** After a server error: whether the extension's library is missing from the server (no settings of its own). */
async function notLoaded(client: ProbeClient, extension: string, err: unknown): Promise<boolean> {
  if (typeof (err as { severity?: unknown }).severity !== 'string') return false;
  const r = await client
    .query(
      `SELECT /* pgvigil:preload */ NOT EXISTS (SELECT 1 FROM pg_settings WHERE starts_with(name, $1)) AS missing`,
      [`${extension}.`],
    )
    .catch(() => null);
  return r?.rows[0]?.missing === true;
}

function failure(
  probe: ProbeDefinition,
  err: unknown,
  timeout: number,
  lockTimeout: number,
  ms: number,
): ProbeResult {
  const state = sqlStateOf(err);
  if (state === '42501') {
    return {
      probe: probe.name,
      status: 'unavailable',
      reason: `permission denied (${err instanceof Error ? err.message : String(err)}): GRANT pg_monitor TO the role; docs/permissions.md lists what else each probe needs`,
      ms,
    };
  }
  if (state === '55000' && probe.requiresExtension) {
    return {
      probe: probe.name,
      status: 'unavailable',
      reason: notLoadedReason(probe.requiresExtension),
      ms,
    };
  }
  const reason =
    state === '57014'
      ? `timed out after ${timeout} ms (statement_timeout)`
      : state === '55P03'
        ? `waited too long for a lock (lock_timeout ${lockTimeout} ms, ${LOCK_ATTEMPTS} attempts)`
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
    ms,
  };
}
