import type { Queryable } from '../client';
import { ident } from '../client';

/** One row of a metric table (raw or rollup) with the asked columns as JSON values. */
export interface MetricTableRow {
  server_id: number;
  collected_at: Date;
  database_name: string | null;
  values: Record<string, unknown>;
}

/** The columns `metrics.<table>` has now; empty when the table does not exist yet. */
export async function metricTableColumns(db: Queryable, table: string): Promise<Set<string>> {
  const present = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass('metrics.' || quote_ident($1)) AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  return new Set(present.map((p) => p.attname));
}

/**
 * Rows of `metrics.<table>` for some servers in a window, oldest first, with only
 * `columns` (plus database_name when the table has it). A table that does not exist
 * yet yields nothing, and a column it lacks is absent from `values`. `window` says
 * which end is inclusive: raw samples are read as (from, to], rollup buckets by
 * their start as [from, to). Names are validated by the callers.
 */
export async function readTableRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  serverIds: readonly number[],
  window: { from: Date; to: Date; inclusive: 'start' | 'end' },
  /** at most this many rows (oldest first); unbounded when absent */
  limit?: number,
): Promise<MetricTableRow[]> {
  const have = await metricTableColumns(db, table);
  const wanted = columns.filter((c) => have.has(c));
  if (!have.has('server_id') || wanted.length === 0) return [];
  const dbCol = have.has('database_name') ? 'database_name' : 'NULL::text';
  const bounds =
    window.inclusive === 'start'
      ? 'collected_at >= $2 AND collected_at < $3'
      : 'collected_at > $2 AND collected_at <= $3';
  const rows = await db.query<{
    server_id: number;
    collected_at: Date;
    database_name: string | null;
    v: Record<string, unknown>;
  }>(
    `SELECT server_id, collected_at, ${dbCol} AS database_name,
            jsonb_build_object(${wanted.map((c, i) => `$${i + 4}::text, ${ident(c)}`).join(', ')}) AS v
       FROM metrics.${ident(table)}
      WHERE server_id = ANY($1) AND ${bounds}
      ORDER BY collected_at${limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(limit))}`}`,
    [serverIds, window.from, window.to, ...wanted],
  );
  return rows.map((r) => ({
    server_id: r.server_id,
    collected_at: r.collected_at,
    database_name: r.database_name,
    values: r.v,
  }));
}
