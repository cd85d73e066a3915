import { z } from 'zod';
import type { Queryable } from '../client';
import { ident } from '../client';
import { ROLLUP_LEVELS, rollupTable } from './spec';

const input = z.object({
  probe: z.string().regex(/^[a-z_][a-z0-9_]{0,47}$/),
  level: z.enum(ROLLUP_LEVELS),
  /** value columns (counters there are per-second rates, gauges averages) and key columns */
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/)).min(1),
  serverIds: z.array(z.number().int().positive()).min(1),
  from: z.date(),
  to: z.date(),
});
export type ReadRollupRowsInput = z.input<typeof input>;

export interface RollupRow {
  server_id: number;
  /** the bucket's start */
  collected_at: Date;
  database_name: string | null;
  values: Record<string, unknown>;
}

/**
 * Rows of one rollup level of a probe for buckets starting in [from, to), oldest
 * first: what the alerter's baselines read instead of weeks of raw rows. A probe
 * without that rollup yields nothing; a column the rollup lacks is absent.
 */
export async function readRollupRows(
  db: Queryable,
  raw: ReadRollupRowsInput,
): Promise<RollupRow[]> {
  const q = input.parse(raw);
  const table = rollupTable(q.probe, q.level);
  const present = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass('metrics.' || quote_ident($1)) AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  const have = new Set(present.map((p) => p.attname));
  const columns = q.columns.filter((c) => have.has(c));
  if (!have.has('server_id') || columns.length === 0) return [];
  const dbCol = have.has('database_name') ? 'database_name' : 'NULL::text';
  const rows = await db.query<{
    server_id: number;
    collected_at: Date;
    database_name: string | null;
    v: Record<string, unknown>;
  }>(
    `SELECT server_id, collected_at, ${dbCol} AS database_name,
            jsonb_build_object(${columns.map((c, i) => `$${i + 4}::text, ${ident(c)}`).join(', ')}) AS v
       FROM metrics.${ident(table)}
      WHERE server_id = ANY($1) AND collected_at >= $2 AND collected_at < $3
      ORDER BY collected_at`,
    [q.serverIds, q.from, q.to, ...columns],
  );
  return rows.map((r) => ({
    server_id: r.server_id,
    collected_at: r.collected_at,
    database_name: r.database_name,
    values: r.v,
  }));
}
