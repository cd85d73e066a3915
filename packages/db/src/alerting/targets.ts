import { ident, type Queryable } from '../client';
import type { Environment } from '../domain';

export interface AlertTarget {
  id: number;
  name: string;
  cluster_id: number | null;
  cluster_name: string | null;
  environment: Environment;
  tags: string[];
}

/** Enabled servers with what scoping and routing need (cluster, environment, tags). */
export async function listAlertTargets(db: Queryable): Promise<AlertTarget[]> {
  return db.query<AlertTarget & Record<string, unknown>>(
    `SELECT s.id, s.name, s.cluster_id, c.name AS cluster_name, s.environment, s.tags
       FROM servers s LEFT JOIN clusters c ON c.id = s.cluster_id
      WHERE s.enabled ORDER BY s.id`,
  );
}

/** Seconds since each component last beat, newest instance per component. */
export async function heartbeatAges(db: Queryable, at: Date): Promise<Record<string, number>> {
  const rows = await db.query<{ component: string; seconds: number }>(
    `SELECT component, extract(epoch FROM $1::timestamptz - max(last_seen_at))::float8 AS seconds
       FROM heartbeats GROUP BY component`,
    [at],
  );
  return Object.fromEntries(rows.map((r) => [r.component, r.seconds]));
}

export interface LatestSample {
  probe: string;
  server_id: number;
  /** null for an instance-wide probe */
  database_name: string | null;
  last: Date;
  /**
   * The probe lists objects that may all be absent (slots, blocked sessions,
   * indexes), so a server without a recent sample of it may just have none.
   */
  may_be_empty: boolean;
}

/**
 * For every probe in metric_catalog, every server (and database, for a per-database
 * probe) that reported it in the last day: its newest sample time as of `at`.
 */
export async function latestSamples(db: Queryable, at: Date): Promise<LatestSample[]> {
  const tables = await db.query<{ table_name: string; scope: string; may_be_empty: boolean }>(
    // keyed by datname only: one row per database, and there is always one
    `SELECT c.table_name, c.scope,
            EXISTS (SELECT 1 FROM jsonb_array_elements(c.columns) col
                     WHERE (col->>'key')::boolean AND col->>'name' <> 'datname') AS may_be_empty
       FROM metric_catalog c
      WHERE to_regclass('metrics.' || quote_ident(c.table_name)) IS NOT NULL`,
  );
  const out: LatestSample[] = [];
  for (const t of tables) {
    const database = t.scope === 'database' ? 'database_name' : 'NULL::text';
    const rows = await db.query<{ server_id: number; database_name: string | null; last: Date }>(
      // bounds as plain parameters, so the planner prunes to the last day's partitions
      // (a stable expression would leave every partition in the plan, and locked)
      `SELECT server_id, ${database} AS database_name, max(collected_at) AS last
         FROM metrics.${ident(t.table_name)}
        WHERE collected_at > $2 AND collected_at <= $1
        GROUP BY server_id, 2`,
      [at, new Date(at.getTime() - 86_400_000)],
    );
    for (const r of rows) out.push({ probe: t.table_name, may_be_empty: t.may_be_empty, ...r });
  }
  return out;
}

/** Collection interval of every probe table, and whether it is stored only on change. */
export async function probeIntervals(
  db: Queryable,
): Promise<Map<string, { intervalSeconds: number; changeTracked: boolean }>> {
  const rows = await db.query<{
    table_name: string;
    interval_seconds: number;
    change_tracked: boolean;
  }>(
    `SELECT c.table_name, c.interval_seconds, t.change_tracked
       FROM metric_catalog c JOIN metric_tables t USING (table_name)`,
  );
  return new Map(
    rows.map((r) => [
      r.table_name,
      { intervalSeconds: r.interval_seconds, changeTracked: r.change_tracked },
    ]),
  );
}

/**
 * How far pgvigil itself is behind, as of `at`: the collector's (its oldest sample
 * still waiting in its buffer, or how late its probes start, p99, from its newest
 * heartbeat) and the alerter's (how long the oldest message due in the outbox has
 * waited to be delivered), in seconds; 0 when nothing waits.
 */
export async function selfLag(
  db: Queryable,
  at: Date,
): Promise<{ collectorLagSeconds: number | null; outboxWaitSeconds: number }> {
  const [row] = await db.query<{ info: Record<string, unknown> | null; wait: number | null }>(
    `SELECT (SELECT info FROM heartbeats WHERE component = 'collector'
              ORDER BY last_seen_at DESC LIMIT 1) AS info,
            (SELECT extract(epoch FROM $1::timestamptz - min(next_attempt_at))::float8
               FROM notification_outbox
              WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1) AS wait`,
    [at],
  );
  const info = row?.info ?? null;
  let collectorLagSeconds: number | null = null;
  if (info) {
    const oldest =
      typeof info.oldestBufferedAt === 'string' ? Date.parse(info.oldestBufferedAt) : NaN;
    const late = typeof info.scheduleLatenessP99Ms === 'number' ? info.scheduleLatenessP99Ms : 0;
    const buffered = Number.isFinite(oldest) ? Math.max(0, (at.getTime() - oldest) / 1000) : 0;
    collectorLagSeconds = Math.round(Math.max(buffered, late / 1000));
  }
  return { collectorLagSeconds, outboxWaitSeconds: Math.max(0, Math.round(row?.wait ?? 0)) };
}
