import type { BaselineSource } from '../core';
import type { RuleDefinition, SourceRow } from '../rules';
import { anomalyBaseline, BASELINE_DAYS, groupSeries } from './observe';

const HOUR = 3_600_000;

/** One hour of an anomaly rule's expected band; all null while the baseline is not ready. */
export interface BandPoint {
  /** the hour's start */
  at: Date;
  lower: number | null;
  median: number | null;
  upper: number | null;
  source: BaselineSource | null;
}

export interface ExpectedBand {
  points: BandPoint[];
  /** the newest hour has a baseline (warm-up over and enough samples) */
  ready: boolean;
  /** why the newest hour has none ("warming up: 40 of 168 hours of history") */
  reason: string | null;
}

/** The hourly rollups to read for a band over [from, to): the baseline's days before `from`. */
export function bandHistoryWindow(from: Date, to: Date): { from: Date; to: Date } {
  const start = Math.floor(from.getTime() / HOUR) * HOUR;
  return { from: new Date(start - BASELINE_DAYS * 86_400_000), to };
}

/**
 * One series of hourly rollup rows for a band: the rule's object (a database, a
 * standby `application_name.client_addr`) when given, else every object's values
 * added up per hour (the server total a server-wide chart shows).
 */
export function bandSeries(
  def: RuleDefinition,
  rows: Parameters<typeof groupSeries>[0],
  object: string | null,
): SourceRow[] {
  const all = groupSeries(rows, def.source.objectKeys ?? []);
  const chosen = object === null ? all : all.filter((s) => s.object === object);
  const byHour = new Map<number, Record<string, number | null>>();
  for (const s of chosen)
    for (const r of s.rows) {
      const sum = byHour.get(r.at.getTime()) ?? {};
      for (const c of def.source.columns) {
        const v = r.values[c];
        const n = v === null || v === undefined ? null : Number(v);
        const before = c in sum ? sum[c]! : 0;
        // a missing value in any object leaves the total unknown, not smaller
        sum[c] = before === null || n === null ? null : before + n;
      }
      byHour.set(r.at.getTime(), sum);
    }
  return [...byHour.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, values]) => ({ at: new Date(t), values }));
}

/**
 * The expected band of an anomaly rule for each hour in [from, to), each from the
 * `BASELINE_DAYS` of hourly history before that hour, as the alerter computes it.
 */
export function expectedBand(
  def: RuleDefinition,
  history: readonly SourceRow[],
  from: Date,
  to: Date,
  sensitivity: number | null,
): ExpectedBand {
  const points: BandPoint[] = [];
  let last: ReturnType<typeof anomalyBaseline> | null = null;
  const span = BASELINE_DAYS * 86_400_000;
  let start = 0;
  for (let t = Math.floor(from.getTime() / HOUR) * HOUR; t < to.getTime(); t += HOUR) {
    while (start < history.length && history[start]!.at.getTime() < t - span) start++;
    const at = new Date(t);
    last = anomalyBaseline(def, history.slice(start), at, sensitivity);
    points.push(
      last.ready
        ? { at, lower: last.lower, median: last.median, upper: last.upper, source: last.source }
        : { at, lower: null, median: null, upper: null, source: null },
    );
  }
  return {
    points,
    ready: last?.ready ?? false,
    reason: last && !last.ready ? last.reason : null,
  };
}
