import { ident, type Queryable } from '../client';
import type { Environment } from '../domain';

export interface AlertTarget {
  id: number;
  name: string;
  cluster_id: number | null;
  cluster_name: string | null;
  environment: Environment;
}

/** Enabled servers with what scoping needs (cluster, environment). */
export async function listAlertTargets(db: Queryable): Promise<AlertTarget[]> {
  return db.query<AlertTarget & Record<string, unknown>>(
    `SELECT s.id, s.name, s.cluster_id, c.name AS cluster_name, s.environment
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

/**
 * For every probe in metric_catalog and every server that reported it in the last
 * day: how many of its intervals ago its newest sample is.
 */
export async function probeFreshness(
  db: Queryable,
  at: Date,
): Promise<{ probe: string; server_id: number; intervals_behind: number }[]> {
  const tables = await db.query<{ table_name: string; interval_seconds: number }>(
    `SELECT c.table_name, c.interval_seconds FROM metric_catalog c
      WHERE to_regclass('metrics.' || quote_ident(c.table_name)) IS NOT NULL`,
  );
  const out: { probe: string; server_id: number; intervals_behind: number }[] = [];
  for (const t of tables) {
    const rows = await db.query<{ server_id: number; last: Date }>(
      `SELECT server_id, max(collected_at) AS last FROM metrics.${ident(t.table_name)}
        WHERE collected_at > $1::timestamptz - interval '1 day' AND collected_at <= $1
        GROUP BY server_id`,
      [at],
    );
    for (const r of rows) {
      const behind = (at.getTime() - r.last.getTime()) / 1000 / t.interval_seconds;
      out.push({
        probe: t.table_name,
        server_id: r.server_id,
        intervals_behind: Math.floor(behind),
      });
    }
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
