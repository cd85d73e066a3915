import { linearRegression } from 'simple-statistics';
import type { Sample } from './evaluate';

export interface Forecast {
  /** change per day of the fitted trend */
  slopePerDay: number;
  /** the trend's value at `at` */
  current: number;
  /** days from `at` until the trend reaches `limit`; null when it never does */
  daysUntilLimit: number | null;
}

const DAY_MS = 86_400_000;

/**
 * Linear trend over the samples in [at - windowDays, at]; how many days until it
 * reaches `limit`. Needs at least `minSamples` points spanning a quarter of the
 * window, so a two-point blip does not predict the end of the world.
 */
export function forecast(
  samples: readonly Sample[],
  limit: number,
  at: Date,
  windowDays: number,
  minSamples = 6,
): Forecast | null {
  const from = at.getTime() - windowDays * DAY_MS;
  const points = samples
    .filter((s) => s.value !== null && s.at.getTime() >= from && s.at <= at)
    .map((s) => [(s.at.getTime() - at.getTime()) / DAY_MS, s.value as number]);
  if (points.length < minSamples) return null;
  const span = points[points.length - 1]![0]! - points[0]![0]!;
  if (span < windowDays / 4) return null;
  const { m, b } = linearRegression(points);
  const current = b;
  let daysUntilLimit: number | null = null;
  if (current >= limit) daysUntilLimit = 0;
  else if (m > 0) daysUntilLimit = (limit - current) / m;
  return { slopePerDay: m, current, daysUntilLimit };
}
