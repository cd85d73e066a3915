import type { Sample } from '../core';
import type { Derive, SourceRow } from './types';

/** A number from a probe value (pg returns bigint as number, booleans as booleans). */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  // timestamps arrive as ISO text from jsonb: seconds since the epoch
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]/.test(v) && !Number.isNaN(Date.parse(v)))
    return Date.parse(v) / 1000;
  if (v instanceof Date) return v.getTime() / 1000;
  return null;
}

/** A value from each row alone (see `Derive.perRow`). */
export const perRow = (
  fn: (row: SourceRow, params: Parameters<Derive>[1]) => number | null,
): Derive =>
  Object.assign(
    (rows: readonly SourceRow[], params: Parameters<Derive>[1]) =>
      rows.map((r) => ({ at: r.at, value: fn(r, params) })),
    { perRow: true as const },
  );

/** One column as is. */
export const column = (name: string): Derive => perRow((r) => num(r.values[name]));

/** Any per-row expression over the row's values; null when an input is missing. */
export const expr = (fn: (v: (name: string) => number | null) => number | null): Derive =>
  perRow((r) => fn((n) => num(r.values[n])));

/** 100 * a / b, null when b is not positive. */
export const pct = (a: number | null, b: number | null) =>
  a === null || b === null || b <= 0 ? null : (100 * a) / b;

function deltas(prev: SourceRow, cur: SourceRow, cols: readonly string[]): number | null {
  let sum = 0;
  for (const c of cols) {
    const a = num(prev.values[c]);
    const b = num(cur.values[c]);
    if (a === null || b === null) return null;
    // a counter that went down was reset (stats reset, restart): this interval is unknown
    if (b < a) return null;
    sum += b - a;
  }
  return sum;
}

/**
 * 1 when `name` differs from the sample before (a new postmaster start time), else 0.
 * A series' first row has nothing before it: it gives no sample, so a rule of this kind
 * can only fire on a change pgvigil observed, never on what it found when it started.
 */
export const changed =
  (name: string): Derive =>
  (rows) =>
    rows.slice(1).map((r, i) => {
      const before = num(rows[i]!.values[name]);
      const now = num(r.values[name]);
      return { at: r.at, value: before === null || now === null ? null : now !== before ? 1 : 0 };
    });

/**
 * Per interval, 100 * increase(num) / increase(den) of counters: rollback ratio,
 * cache hit ratio, requested checkpoints. An interval with no activity gives null.
 */
export const ratioOfIncreases =
  (numerator: readonly string[], denominator: readonly string[]): Derive =>
  (rows) => {
    const out: Sample[] = [];
    for (let i = 1; i < rows.length; i++) {
      const n = deltas(rows[i - 1]!, rows[i]!, numerator);
      const d = deltas(rows[i - 1]!, rows[i]!, denominator);
      out.push({ at: rows[i]!.at, value: pct(n, d) });
    }
    return out;
  };

/** Probes with one row per event (blocked session...): the largest value per sample. */
export const maxPerSample =
  (name: string): Derive =>
  (rows) => {
    const out: Sample[] = [];
    for (const r of rows) {
      const v = num(r.values[name]);
      const last = out[out.length - 1];
      if (last && last.at.getTime() === r.at.getTime()) {
        if (v !== null && (last.value === null || v > last.value)) last.value = v;
      } else out.push({ at: r.at, value: v });
    }
    return out;
  };

/**
 * For a gauge (pg_wal size): how far each sample is above the lowest value of the
 * `seconds` before it. A shrink (checkpoint recycling WAL) is not growth, unlike a
 * counter's `delta`, which would read it as a reset.
 */
export const growthWithin =
  (name: string, seconds: number): Derive =>
  (rows) =>
    rows.map((r, i) => {
      const v = num(r.values[name]);
      if (v === null) return { at: r.at, value: null };
      let low = v;
      for (let j = i - 1; j >= 0 && rows[j]!.at.getTime() >= r.at.getTime() - seconds * 1000; j--) {
        const p = num(rows[j]!.values[name]);
        if (p !== null && p < low) low = p;
      }
      return { at: r.at, value: v - low };
    });

/**
 * For each sample, 100 * increase(num) / increase(den) over the `seconds` before
 * it (reset intervals skipped). A window with no activity at all is 0, not
 * unknown: no checkpoint means none was forced, so an old alert can clear.
 */
export const shareWithin =
  (numerator: readonly string[], denominator: readonly string[], seconds: number): Derive =>
  (rows) =>
    rows.map((r, i) => {
      let n = 0;
      let d = 0;
      for (let j = i; j >= 1 && rows[j - 1]!.at.getTime() >= r.at.getTime() - seconds * 1000; j--) {
        const dn = deltas(rows[j - 1]!, rows[j]!, numerator);
        const dd = deltas(rows[j - 1]!, rows[j]!, denominator);
        if (dn === null || dd === null) continue;
        n += dn;
        d += dd;
      }
      return { at: r.at, value: d > 0 ? (100 * n) / d : 0 };
    });
