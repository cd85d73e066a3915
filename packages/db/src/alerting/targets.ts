import type { Queryable } from '../client';
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
