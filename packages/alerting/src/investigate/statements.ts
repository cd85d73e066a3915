import type { StatementWindowRow } from '@pgvigil/db/alerting';
import type { StatementShift } from './types';

/**
 * Statements ranked by how much they changed: the largest of the moves in time,
 * calls, blocks and temp blocks, each as a share of the server's total of that
 * quantity after the start (so 0.8 = this statement alone moved 80 % of it).
 */
export function statementShifts(
  rows: readonly StatementWindowRow[],
  href: (queryId: string) => string,
  limit = 10,
): StatementShift[] {
  const keys = ['timeMs', 'calls', 'blocks', 'tempBlocks'] as const;
  const totals = Object.fromEntries(
    keys.map((k) => [k, rows.reduce((s, r) => s + Math.max(r.after[k], r.before[k]), 0)]),
  ) as Record<(typeof keys)[number], number>;
  const mean = (r: { calls: number; timeMs: number }) => (r.calls > 0 ? r.timeMs / r.calls : null);
  return rows
    .map((r) => ({
      queryId: r.queryid,
      query: r.query,
      before: { ...pick(r.before), meanMs: mean(r.before) },
      after: { ...pick(r.after), meanMs: mean(r.after) },
      change:
        Math.round(
          Math.max(
            ...keys.map((k) =>
              totals[k] > 0 ? Math.abs(r.after[k] - r.before[k]) / totals[k] : 0,
            ),
          ) * 1000,
        ) / 1000,
      href: href(r.queryid),
    }))
    .filter((s) => s.change > 0)
    .sort((a, b) => b.change - a.change || a.queryId.localeCompare(b.queryId))
    .slice(0, limit);
}

const pick = (r: StatementWindowRow['before']) => ({
  calls: r.calls,
  timeMs: r.timeMs,
  blocks: r.blocks,
  tempBlocks: r.tempBlocks,
  walBytes: r.walBytes,
});
