import { median, medianAbsoluteDeviation } from 'simple-statistics';

/**
 * How far `current` is from a baseline, in robust standard deviations: (current -
 * median) / spread, spread = 1.4826 x MAD, floored at 5 % of the median and at
 * `floor` (a metric flat at 0 moving to 1 is not a thousand-sigma event). Null
 * without at least 3 baseline points.
 */
export function robustShift(
  baseline: readonly number[],
  current: number,
  floor: number,
): { median: number; mad: number; score: number } | null {
  if (baseline.length < 3) return null;
  const m = median([...baseline]);
  const mad = medianAbsoluteDeviation([...baseline]);
  const spread = Math.max(1.4826 * mad, 0.05 * Math.abs(m), floor);
  return { median: m, mad, score: (current - m) / spread };
}

/** The median of what was seen since the start (one sample at firing time is that sample). */
export function currentValue(points: readonly number[]): number | null {
  return points.length ? median([...points]) : null;
}
