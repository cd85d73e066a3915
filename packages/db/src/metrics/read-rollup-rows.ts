import { z } from 'zod';
import type { Queryable } from '../client';
import { readTableRows, type MetricTableRow } from './read-table-rows';
import { ROLLUP_LEVELS, rollupTable } from '@pgvigil/schema/metric-spec';

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

/** A rollup bucket's row; `collected_at` is the bucket's start. */
export type RollupRow = MetricTableRow;

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
  return readTableRows(db, rollupTable(q.probe, q.level), q.columns, q.serverIds, {
    from: q.from,
    to: q.to,
    inclusive: 'start',
  });
}
