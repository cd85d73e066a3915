import { z } from 'zod';
import type { Queryable } from '../client';
import { readTableRows, type MetricTableRow } from '../metrics/read-table-rows';

const input = z.object({
  probe: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/)).min(1),
  serverIds: z.array(z.number().int().positive()).min(1),
  from: z.date(),
  to: z.date(),
});
export type ReadRuleRowsInput = z.input<typeof input>;

export type RuleSourceRow = MetricTableRow;

/**
 * Raw rows of one probe table for a window, oldest first, with only the columns
 * rules read (plus database_name when the table has it). A probe whose table does
 * not exist yet yields nothing, and a column it lacks is absent from `values`: the
 * rules reading it see no data, the others are unaffected.
 */
export async function readRuleRows(
  db: Queryable,
  raw: ReadRuleRowsInput,
): Promise<RuleSourceRow[]> {
  const q = input.parse(raw);
  return readTableRows(db, q.probe, q.columns, q.serverIds, {
    from: q.from,
    to: q.to,
    inclusive: 'end',
  });
}
