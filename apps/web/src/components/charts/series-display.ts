import type { ChartDef, ChartUnit } from '@pgvigil/schema/charts';
import { fmt, formatValue } from '@pgvigil/schema';

/** What a rate is counted per on the axis: seconds unless that only shows zeros. */
export type RatePer = 's' | 'min' | 'h';
export const PER_FACTOR: Record<RatePer, number> = { s: 1, min: 60, h: 3600 };

/**
 * Rare events (checkpoints, vacuums) are a few hundredths per second: the axis
 * reads "0.00/s". Such a chart counts per minute or per hour instead, so its
 * largest value is at least 0.1.
 */
export function ratePer(unit: ChartUnit, max: number): RatePer {
  if (unit !== 'per_second' || max <= 0 || max >= 0.1) return 's';
  return max * 60 >= 0.1 ? 'min' : 'h';
}

/** A series' legend label with the rate unit the axis uses ("checkpoints/s" -> "checkpoints/min"). */
export function perLabel(label: string, per: RatePer): string {
  return per === 's' ? label : label.replace(/\/s(\)?)$/, `/${per}$1`);
}

/** A chart value with its unit, through the one formatter; rates per the axis' unit. */
export function formatChartValue(
  unit: ChartUnit,
  v: number | null | undefined,
  per: RatePer = 's',
) {
  if (unit === 'per_second') return v == null ? '—' : `${fmt(v)}/${per}`;
  return formatValue(v, unit);
}

/** Series in the chart's column order (split charts: by name), not alphabetical. */
export function orderSeries(chart: Pick<ChartDef, 'columns' | 'splitBy'>, series: string[]) {
  if (chart.splitBy) return [...series].sort();
  const rank = (s: string) => {
    const i = chart.columns.indexOf(s);
    return i < 0 ? chart.columns.length : i;
  };
  return [...series].sort((a, b) => rank(a) - rank(b));
}

/**
 * The rows as drawn: rates scaled to `per`, and in a stacked chart split by key
 * (sessions by state) a state absent from a sample counted as 0 sessions, so the
 * stack has no holes.
 */
export function displayRows(
  chart: Pick<ChartDef, 'splitBy' | 'stacked'>,
  rows: ReadonlyArray<Record<string, number | null>>,
  series: readonly string[],
  per: RatePer,
): Array<Record<string, number | null>> {
  const factor = PER_FACTOR[per];
  const zeroFill = Boolean(chart.stacked && chart.splitBy);
  return rows.map((r) => {
    const out: Record<string, number | null> = { ...r };
    for (const s of series) {
      const v = r[s] ?? null;
      out[s] = v === null ? (zeroFill ? 0 : null) : v * factor;
    }
    return out;
  });
}

/** The largest value of any series, for the rate unit choice. */
export function maxValue(
  rows: ReadonlyArray<Record<string, number | null>>,
  series: readonly string[],
): number {
  let max = 0;
  for (const r of rows) for (const s of series) max = Math.max(max, Math.abs(r[s] ?? 0));
  return max;
}

/**
 * At most `maxRows` rows, for a chart `maxRows` pixels wide: more points than pixels
 * draw nothing more but cost layout and DOM. The rows are cut into `maxRows / 2` runs
 * of equal length; each run keeps two rows, at its first and last time, holding between
 * them each series' lowest and highest value of the run (the one that came first at
 * the first time), so a peak or a dip of a single sample survives. Rows already within
 * the bound are returned as they are.
 */
export function boundRows<R extends { t?: number | null } & Record<string, unknown>>(
  rows: readonly R[],
  series: readonly string[],
  maxRows: number,
): R[] {
  const runs = Math.floor(maxRows / 2);
  if (runs < 1 || rows.length <= maxRows) return [...rows];
  const out: R[] = [];
  for (let k = 0; k < runs; k++) {
    const start = Math.floor((k * rows.length) / runs);
    const end = Math.floor(((k + 1) * rows.length) / runs);
    if (end <= start) continue;
    const first: Record<string, unknown> = { ...rows[start]! };
    const last: Record<string, unknown> = { ...rows[end - 1]! };
    for (const s of series) {
      let lo: number | null = null;
      let hi: number | null = null;
      let loAt = 0;
      let hiAt = 0;
      for (let i = start; i < end; i++) {
        const v = rows[i]![s];
        if (typeof v !== 'number') continue;
        if (lo === null || v < lo) [lo, loAt] = [v, i];
        if (hi === null || v > hi) [hi, hiAt] = [v, i];
      }
      if (lo === null) continue; // a gap stays a gap
      const [a, b] = loAt <= hiAt ? [lo, hi] : [hi, lo];
      first[s] = a;
      last[s] = b;
    }
    out.push(first as R);
    if (end - 1 > start) out.push(last as R);
  }
  return out;
}
