import { getMetricSpec } from '@pgvigil/probes';
import { ROLLUP_SECONDS, rollupLevels, rollupValueColumns } from '@pgvigil/schema/metric-spec';
import type { Aggregation } from '@pgvigil/schema';
import type { Series } from './observe';

/** A custom rule's window above this reads the 5-minute rollups, not raw samples. */
export const RAW_WINDOW_LIMIT_SECONDS = 6 * 3600;
export const LONG_WINDOW_LEVEL = '5m' as const;
export const LONG_WINDOW_BUCKET_SECONDS = ROLLUP_SECONDS[LONG_WINDOW_LEVEL];
/**
 * How much later than raw samples a rollup bucket is there to read: it is stamped at
 * its end, written once complete, and the collector refreshes rollups every minute.
 */
export const LONG_WINDOW_EXTRA_STALE_SECONDS = 2 * LONG_WINDOW_BUCKET_SECONDS;

export const readsRollups = (windowSeconds: number) => windowSeconds > RAW_WINDOW_LIMIT_SECONDS;

/**
 * Why a custom rule's window cannot be evaluated from rollups, or null. Over 6 hours
 * the rule reads 5-minute buckets: its probe must have them, the column must be one
 * they aggregate, and a counter (stored there as a rate) can be judged by rate or
 * delta only.
 */
export function longWindowProblem(d: {
  probe: string;
  column: string;
  aggregation: Aggregation;
  windowSeconds: number;
}): string | null {
  if (!readsRollups(d.windowSeconds)) return null;
  const probe = getMetricSpec(d.probe);
  if (!probe) return null;
  if (!rollupLevels(probe).includes(LONG_WINDOW_LEVEL))
    return `${d.probe} keeps no rollups: a window over 6 hours is not possible on it`;
  const col = rollupValueColumns(probe).find((c) => c.name === d.column);
  if (!col) return `${d.probe}.${d.column} is not kept in rollups: use a window of 6 hours or less`;
  if (col.counter && d.aggregation !== 'rate' && d.aggregation !== 'delta')
    return `${d.column} is a counter: over 6 hours judge it by rate or delta`;
  return null;
}

/**
 * Rollup buckets as the samples a rule's derive expects: each stamped at its end,
 * gauges as their bucket average, counters (rates in the rollup) summed back into a
 * running total, so `rate` and `delta` aggregate them as they would raw samples.
 */
export function bucketsAsSamples(
  series: Series[],
  counters: ReadonlySet<string>,
  bucketSeconds: number = LONG_WINDOW_BUCKET_SECONDS,
): Series[] {
  const ms = bucketSeconds * 1000;
  return series.map((s) => {
    const total = new Map<string, number>();
    const rows = s.rows.map((r) => {
      const values: Record<string, unknown> = { ...r.values };
      for (const c of counters) {
        const rate = Number(r.values[c]);
        if (r.values[c] === null || r.values[c] === undefined || !Number.isFinite(rate)) continue;
        const next = (total.get(c) ?? 0) + rate * bucketSeconds;
        total.set(c, next);
        values[c] = next;
      }
      return { at: new Date(r.at.getTime() + ms), values };
    });
    return { ...s, rows };
  });
}

/** Counter columns of a probe, by name. */
export function counterColumns(probe: string): Set<string> {
  return new Set((getMetricSpec(probe)?.columns ?? []).filter((c) => c.counter).map((c) => c.name));
}
