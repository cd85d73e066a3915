import type { Queryable } from '../client';
import type { Environment } from '../domain';

export type ClusterSummary = {
  id: number;
  name: string;
  environment: Environment;
  /** PostgreSQL members */
  servers: number;
  /** PgBouncer poolers registered in the cluster */
  poolers: number;
  activeAlerts: number;
};

/** Every cluster with its member count and open alerts, for the fleet page's cluster strip. */
export async function listClusterSummaries({ db }: { db: Queryable }): Promise<ClusterSummary[]> {
  return db.query<ClusterSummary>(
    `SELECT c.id, c.name, c.environment,
            (SELECT count(*)::int FROM servers s
              WHERE s.cluster_id = c.id AND s.kind = 'postgres') AS servers,
            (SELECT count(*)::int FROM servers s
              WHERE s.cluster_id = c.id AND s.kind = 'pgbouncer') AS poolers,
            (SELECT count(*)::int FROM alerts a JOIN servers s ON s.id = a.server_id
              WHERE s.cluster_id = c.id AND a.state IN ('firing', 'acknowledged')) AS "activeAlerts"
       FROM clusters c ORDER BY lower(c.name)`,
  );
}
