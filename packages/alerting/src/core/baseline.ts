import { BASELINE_SOURCES } from '@pgvigil/schema';
import { median, medianAbsoluteDeviation } from 'simple-statistics';
import type { Sample } from './evaluate';

export interface BaselineOptions {
  /** no anomaly verdicts before this much history */
  warmupHours: number;
  /** samples a seasonal bucket needs before it is trusted */
  minBucketSamples: number;
  /** band half-width in robust standard deviations */
  sensitivity: number;
  /** smallest spread, absolute and relative to the median: a flat metric is not "anomalous" at +1 */
  floorAbsolute: number;
  floorRelative: number;
  /**
   * History points that are means over longer buckets than the value judged (hourly
   * rollups against a 15-minute mean) vary less than it: their spread is multiplied
   * by this (sqrt of the ratio of the two lengths, as for independent noise).
   */
  spreadFactor?: number;
}

export const DEFAULT_BASELINE: BaselineOptions = {
  warmupHours: 24 * 7,
  minBucketSamples: 12,
  sensitivity: 3,
  floorAbsolute: 1e-9,
  floorRelative: 0.05,
  spreadFactor: 1,
};

export { BASELINE_SOURCES } from '@pgvigil/schema';
export type BaselineSource = (typeof BASELINE_SOURCES)[number];

export type Baseline =
  | { ready: false; reason: string }
  | {
      ready: true;
      source: BaselineSource;
      median: number;
      /** robust standard deviation: 1.4826 x MAD, floored */
      spread: number;
      lower: number;
      upper: number;
      samples: number;
    };

const HOUR_MS = 3_600_000;
// from epoch hours: 1970-01-01 was a Thursday (UTC day 4); no Date method per sample
const hourOfDay = (hour: number) => hour % 24;
const hourOfWeek = (hour: number) => ((Math.floor(hour / 24) + 4) % 7) * 24 + (hour % 24);

/**
 * The expected band for a metric at `at`, from its own history before `at`.
 * Seasonal first (same hour of the same weekday), then same hour of any day, then
 * everything; median and MAD so one spike does not move the band.
 */
export function baseline(
  samples: readonly Sample[],
  at: Date,
  options: BaselineOptions = DEFAULT_BASELINE,
): Baseline {
  // one pass: an alerter computes this for every object of a fleet on each trends cycle
  const atMs = at.getTime();
  const atHour = Math.floor(atMs / HOUR_MS);
  const week: number[] = [];
  const day: number[] = [];
  const all: number[] = [];
  let earliest = Infinity;
  for (const s of samples) {
    const v = s.value;
    if (v === null || !Number.isFinite(v)) continue;
    const t = s.at.getTime();
    if (t >= atMs) continue;
    if (t < earliest) earliest = t;
    const hour = Math.floor(t / HOUR_MS);
    all.push(v);
    if (hourOfDay(hour) !== hourOfDay(atHour)) continue;
    day.push(v);
    if (hourOfWeek(hour) === hourOfWeek(atHour)) week.push(v);
  }
  if (all.length === 0) return { ready: false, reason: 'no history yet' };
  const hours = (atMs - earliest) / HOUR_MS;
  if (hours < options.warmupHours) {
    return {
      ready: false,
      reason: `warming up: ${Math.floor(hours)} of ${options.warmupHours} hours of history`,
    };
  }
  const buckets: [BaselineSource, number[]][] = [
    ['hour_of_week', week],
    ['hour_of_day', day],
    ['overall', all],
  ];
  const chosen = buckets.find(([, v]) => v.length >= options.minBucketSamples);
  if (!chosen) return { ready: false, reason: 'not enough samples' };
  const [source, values] = chosen;
  const mid = median(values);
  const spread = Math.max(
    1.4826 * medianAbsoluteDeviation(values) * (options.spreadFactor ?? 1),
    options.floorAbsolute,
    Math.abs(mid) * options.floorRelative,
  );
  const half = options.sensitivity * spread;
  return {
    ready: true,
    source,
    median: mid,
    spread,
    lower: mid - half,
    upper: mid + half,
    samples: values.length,
  };
}

export type AnomalyDirection = 'high' | 'low';

/** Outside the band, or null; a baseline still warming up never calls an anomaly. */
export function anomaly(value: number, band: Baseline): AnomalyDirection | null {
  if (!band.ready) return null;
  if (value > band.upper) return 'high';
  if (value < band.lower) return 'low';
  return null;
}
