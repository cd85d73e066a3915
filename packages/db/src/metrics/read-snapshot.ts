import type { Queryable } from '../client';
import { ident } from '../client';
import { tableColumns, type MetricSpec } from '@pgvigil/schema/metric-spec';

export interface LastSnapshot {
  collectedAt: Date;
  /** the probe's own columns, as stored */
  rows: Record<string, unknown>[];
}

/**
 * The latest stored sample of a change-tracked probe for one server (and database):
 * a collector that starts compares its first run with it, so a restart does not store
 * a copy of an unchanged snapshot. Null when nothing was stored yet.
 */
export async function readLastSnapshot(
  db: Queryable,
  spec: Pick<MetricSpec, 'name' | 'scope' | 'columns'>,
  serverId: number,
  database?: string,
): Promise<LastSnapshot | null> {
  const params: unknown[] = [serverId];
  const dbFilter =
    spec.scope === 'database' ? `AND database_name = $${params.push(database ?? '')}` : '';
  const own = tableColumns(spec).filter((c) => !['server_id', 'database_name'].includes(c));
  const table = `metrics.${ident(spec.name)}`;
  const rows = await db.query<Record<string, unknown> & { collected_at: Date }>(
    `SELECT ${own.map(ident).join(', ')} FROM ${table}
      WHERE server_id = $1 ${dbFilter}
        AND collected_at = (SELECT max(collected_at) FROM ${table} WHERE server_id = $1 ${dbFilter})`,
    params,
  );
  if (rows.length === 0) return null;
  return {
    collectedAt: rows[0]!.collected_at,
    rows: rows.map(({ collected_at: _, ...rest }) => rest),
  };
}
