// The datastore reads behind an alert's investigation (packages/alerting
// investigate/): what happened on a server and its cluster around an alert.
import type { Queryable } from '../client';
import { OWN_SESSION_STATEMENTS, OWN_STATEMENT_MARKER } from '../dashboard/list-top-queries';

interface Window {
  from: Date;
  to: Date;
}

const exists = async (db: Queryable, table: string) =>
  (await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table]))[0]?.ok ===
  true;

/** The alert's server with its cluster, and the other members of that cluster. */
export async function readAlertServer(
  db: Queryable,
  serverId: number,
): Promise<{
  id: number;
  name: string;
  clusterId: number | null;
  members: { id: number; name: string }[];
} | null> {
  const [s] = await db.query<{ id: number; name: string; cluster_id: number | null }>(
    `SELECT id, name, cluster_id FROM servers WHERE id = $1`,
    [serverId],
  );
  if (!s) return null;
  const members =
    s.cluster_id === null
      ? []
      : await db.query<{ id: number; name: string }>(
          `SELECT id, name FROM servers WHERE cluster_id = $1 AND id <> $2 ORDER BY name, id`,
          [s.cluster_id, s.id],
        );
  return { id: s.id, name: s.name, clusterId: s.cluster_id, members };
}

export interface RelatedAlertRow {
  id: number;
  rule_key: string;
  rule_name: string;
  server_id: number | null;
  server_name: string | null;
  state: string;
  severity: string | null;
  message: string;
  started_at: Date;
}

/** Other alerts on these servers that started in the window. */
export async function listRelatedAlerts(
  db: Queryable,
  q: Window & { serverIds: number[]; exceptId: number },
): Promise<RelatedAlertRow[]> {
  return db.query<RelatedAlertRow & Record<string, unknown>>(
    `SELECT a.id, r.key AS rule_key, r.name AS rule_name, a.server_id, s.name AS server_name,
            a.state, a.severity, a.message, a.started_at
       FROM alerts a JOIN rules r ON r.id = a.rule_id LEFT JOIN servers s ON s.id = a.server_id
      WHERE a.server_id = ANY($1) AND a.id <> $2 AND a.state <> 'ok'
        AND a.started_at >= $3 AND a.started_at <= $4
      ORDER BY a.started_at, a.id LIMIT 100`,
    [q.serverIds, q.exceptId, q.from, q.to],
  );
}

export interface ServerInfoRow {
  server_id: number;
  collected_at: Date;
  start_time: Date | null;
  role: string | null;
}

/**
 * server_info samples of these servers from `from` (plus the one before it, so a
 * change at the window's edge is seen): restarts and role changes are read off them.
 */
export async function readServerInfo(
  db: Queryable,
  q: Window & { serverIds: number[] },
): Promise<ServerInfoRow[]> {
  if (!(await exists(db, 'metrics.server_info'))) return [];
  return db.query<ServerInfoRow & Record<string, unknown>>(
    `SELECT server_id, collected_at, start_time, role FROM metrics.server_info
      WHERE server_id = ANY($1) AND collected_at <= $3
        AND collected_at >= coalesce(
          (SELECT max(collected_at) FROM metrics.server_info
            WHERE server_id = ANY($1) AND collected_at < $2), $2)
      ORDER BY server_id, collected_at`,
    [q.serverIds, q.from, q.to],
  );
}

export interface StatementWindowRow {
  queryid: string;
  query: string | null;
  /** per-second rates over the time the collector's runs covered in each window */
  before: StatementRates;
  after: StatementRates;
}
export interface StatementRates {
  calls: number;
  timeMs: number;
  blocks: number;
  blocksRead: number;
  tempBlocks: number;
  walBytes: number;
}

/**
 * Each statement's rates before and after: sums of the stored pg_stat_statements
 * deltas divided by the seconds the collector's runs covered in each window (a run
 * stores `interval_seconds`), over roles and databases. pgvigil's own hidden. Also
 * the seconds of the baseline that runs covered.
 */
export async function readStatementWindows(
  db: Queryable,
  q: { serverId: number; before: Window; after: Window; limit?: number },
): Promise<{ rows: StatementWindowRow[]; baselineSeconds: number }> {
  if (!(await exists(db, 'metrics.statements'))) return { rows: [], baselineSeconds: 0 };
  const rows = await db.query<{
    queryid: string;
    query: string | null;
    w: 'before' | 'after';
    calls: number;
    time_ms: number;
    blocks: number;
    blocks_read: number;
    temp_blocks: number;
    wal_bytes: number;
    covered: number;
  }>(
    `WITH s AS (
       SELECT s.*, CASE WHEN s.collected_at > $4 THEN 'after' ELSE 'before' END AS w
         FROM metrics.statements s
        WHERE s.server_id = $1 AND s.collected_at > $2 AND s.collected_at <= $5
          AND (s.collected_at <= $3 OR s.collected_at > $4)
     ), covered AS (
       SELECT w, sum(secs)::float8 AS covered
         FROM (SELECT DISTINCT w, collected_at, max(interval_seconds) OVER (PARTITION BY collected_at) AS secs FROM s) r
        GROUP BY w
     ), own AS (
       SELECT DISTINCT s.userid FROM s
         JOIN query_texts qt ON qt.server_id = s.server_id AND qt.queryid::text = s.queryid::text
        WHERE strpos(qt.query, $6) > 0
     )
     SELECT s.queryid::text AS queryid, qt.query, s.w,
            sum(s.calls)::float8 AS calls, sum(s.total_exec_time)::float8 AS time_ms,
            sum(s.shared_blks_hit + s.shared_blks_read)::float8 AS blocks,
            sum(s.shared_blks_read)::float8 AS blocks_read,
            sum(s.temp_blks_read + s.temp_blks_written)::float8 AS temp_blocks,
            sum(coalesce(s.wal_bytes, 0))::float8 AS wal_bytes,
            c.covered
       FROM s
       JOIN covered c ON c.w = s.w
       LEFT JOIN query_texts qt ON qt.server_id = s.server_id AND qt.queryid::text = s.queryid::text
      WHERE s.queryid::text <> '(others)'
        AND (qt.query IS NULL OR strpos(qt.query, $6) = 0)
        AND (qt.query IS NULL OR s.userid NOT IN (SELECT userid FROM own) OR qt.query !~ $7)
      GROUP BY s.queryid, qt.query, s.w, c.covered`,
    [
      q.serverId,
      q.before.from,
      q.before.to,
      q.after.from,
      q.after.to,
      OWN_STATEMENT_MARKER,
      OWN_SESSION_STATEMENTS,
    ],
  );
  const zero = (): StatementRates => ({
    calls: 0,
    timeMs: 0,
    blocks: 0,
    blocksRead: 0,
    tempBlocks: 0,
    walBytes: 0,
  });
  const out = new Map<string, StatementWindowRow>();
  for (const r of rows) {
    const row = out.get(r.queryid) ?? {
      queryid: r.queryid,
      query: r.query,
      before: zero(),
      after: zero(),
    };
    const secs = Math.max(1, r.covered);
    row[r.w] = {
      calls: r.calls / secs,
      timeMs: r.time_ms / secs,
      blocks: r.blocks / secs,
      blocksRead: r.blocks_read / secs,
      tempBlocks: r.temp_blocks / secs,
      walBytes: r.wal_bytes / secs,
    };
    out.set(r.queryid, row);
  }
  // how much of the baseline the collector's runs covered: a statement "new" since the
  // start means little when nothing was recorded before it
  const baselineSeconds = Math.max(
    0,
    ...rows.filter((r) => r.w === 'before').map((r) => r.covered),
  );
  return { rows: [...out.values()], baselineSeconds };
}

export interface BlockingRow {
  collected_at: Date;
  blocked_pid: number;
  blocking_pid: number;
  datname: string | null;
  blocked_seconds: number | null;
  blocked_query: string | null;
  blocking_state: string | null;
  blocking_query: string | null;
}

/** Blocking pairs sampled in the window. */
export async function readBlocking(
  db: Queryable,
  q: Window & { serverId: number },
): Promise<BlockingRow[]> {
  if (!(await exists(db, 'metrics.blocking'))) return [];
  return db.query<BlockingRow & Record<string, unknown>>(
    `SELECT collected_at, blocked_pid, blocking_pid, datname, blocked_seconds, blocked_query,
            blocking_state, blocking_query
       FROM metrics.blocking
      WHERE server_id = $1 AND collected_at >= $2 AND collected_at <= $3
      ORDER BY collected_at, blocked_pid, blocking_pid LIMIT 5000`,
    [q.serverId, q.from, q.to],
  );
}

export interface SessionRow {
  collected_at: Date;
  pid: number;
  datname: string | null;
  usename: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  query: string | null;
  query_id: string | null;
  backend_start: Date | null;
  xact_seconds: number | null;
  query_seconds: number | null;
  state_seconds: number | null;
}

/**
 * The session list of the sample nearest before `at` and of the newest sample
 * before `baselineAt`: what the sessions were at the alert and before it.
 */
export async function readSessionSamples(
  db: Queryable,
  q: { serverId: number; at: Date; baselineAt: Date; since: Date },
): Promise<{ at: SessionRow[]; baseline: SessionRow[] }> {
  if (!(await exists(db, 'metrics.sessions'))) return { at: [], baseline: [] };
  const sample = (until: Date) =>
    db.query<SessionRow & Record<string, unknown>>(
      `SELECT collected_at, pid, datname, usename, application_name, client_addr, state,
              wait_event_type, wait_event, query, query_id::text AS query_id, backend_start,
              xact_seconds, query_seconds, state_seconds
         FROM metrics.sessions
        WHERE server_id = $1 AND collected_at = (
          SELECT max(collected_at) FROM metrics.sessions
           WHERE server_id = $1 AND collected_at <= $2 AND collected_at >= $3)
        ORDER BY pid`,
      [q.serverId, until, q.since],
    );
  // one after the other: `db` may be a transaction's single connection
  const at = await sample(q.at);
  return { at, baseline: await sample(q.baselineAt) };
}

/** The databases whose schema snapshots the collector stored for a server. */
export async function listSnapshotDatabases(db: Queryable, serverId: number): Promise<string[]> {
  if (!(await exists(db, 'metrics.schema_snapshot'))) return [];
  const rows = await db.query<{ d: string }>(
    `SELECT DISTINCT database_name AS d FROM metrics.schema_snapshot
      WHERE server_id = $1 AND database_name IS NOT NULL ORDER BY 1 LIMIT 50`,
    [serverId],
  );
  return rows.map((r) => r.d);
}
