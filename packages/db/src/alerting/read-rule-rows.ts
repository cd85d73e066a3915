import { z } from 'zod';
import { ROLLUP_LEVELS, rollupTable } from '@pgvigil/schema/metric-spec';
import type { Db, Queryable } from '../client';
import { sqlState } from '../errors';
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

/** A rule's read went past its budget (time or rows): the rule is skipped this cycle. */
export class RuleReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleReadError';
  }
}

const budgeted = input.extend({
  /** `raw` samples, or a rollup level (buckets by their start) */
  level: z.enum(['raw', ...ROLLUP_LEVELS]),
  timeoutMs: z.number().int().min(100).max(600_000),
  /** more rows than this is an error, not a partial read */
  maxRows: z.number().int().positive().optional(),
});
export type ReadRuleWindowInput = z.input<typeof budgeted>;

/**
 * A rule's rows under a budget: the read runs with its own statement_timeout, and
 * more than `maxRows` rows fail it. Either way a RuleReadError says which limit
 * was hit, so one rule's wide window never holds up or breaks the others.
 */
export async function readRuleWindow(db: Db, raw: ReadRuleWindowInput): Promise<RuleSourceRow[]> {
  const q = budgeted.parse(raw);
  const table = q.level === 'raw' ? q.probe : rollupTable(q.probe, q.level);
  try {
    const rows = await db.tx(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = ${q.timeoutMs}`);
      return readTableRows(
        tx,
        table,
        q.columns,
        q.serverIds,
        { from: q.from, to: q.to, inclusive: q.level === 'raw' ? 'end' : 'start' },
        q.maxRows === undefined ? undefined : q.maxRows + 1,
      );
    });
    if (q.maxRows !== undefined && rows.length > q.maxRows) {
      throw new RuleReadError(
        `reads more than ${q.maxRows} rows of ${table}; narrow its scope or its window`,
      );
    }
    return rows;
  } catch (err) {
    if (sqlState(err) === '57014')
      throw new RuleReadError(`reading ${table} took longer than ${q.timeoutMs / 1000} s`);
    throw err;
  }
}
