import type { Severity } from '@pgvigil/schema';
import {
  DEFAULT_BASELINE,
  evaluate,
  tuningOf,
  type Baseline,
  type Condition,
  type Observation,
  type Sample,
} from '../core';
import type { SourceRow } from '../rules';
import type { BacktestSegment } from './backtest';
import {
  anomalyBand,
  anomalySamples,
  BASELINE_DAYS,
  forecastWindowDays,
  judgeAnomaly,
  judgeForecast,
} from './observe';
import type { PlanRule } from './plan';

type Tuned = ReturnType<typeof tuningOf>;

/** How one evaluation judges a rule's samples, and how far back it looks. */
export interface Judge {
  /** milliseconds of samples before `at` the judgement reads */
  keepMs(seg: BacktestSegment, condition: Condition): number;
  observe(
    seg: BacktestSegment,
    condition: Condition,
    samples: Sample[],
    at: Date,
    active: Severity | null,
  ): Observation;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The loop's judgement of each kind of rule. No look-ahead: an evaluation at `at`
 * sees only samples up to `at`; an anomaly's baseline only the hourly buckets of the
 * BASELINE_DAYS before it, as the loop read them then; a forecast only trend buckets
 * that ended by `at` (its steps fall 1 ms before bucket boundaries).
 */
export function judgeOf(rule: PlanRule, tuning: Tuned, history: readonly SourceRow[]): Judge {
  const { def } = rule;
  if (def.kind === 'forecast')
    return {
      keepMs: (seg) => forecastWindowDays(def, tuning.params) * DAY_MS + seg.stepSeconds * 1000,
      observe: (_seg, condition, samples, at, active) =>
        judgeForecast(def, tuning, condition, samples, at, active).obs,
    };
  if (def.kind === 'anomaly') {
    // a rollup step judges the whole newest bucket (stamped at its end), a raw one the window
    const windowOf = (seg: BacktestSegment) => Math.max(def.windowSeconds, seg.stepSeconds);
    const band = anomalyBands(rule, tuning, history);
    return {
      keepMs: (seg) => (windowOf(seg) + seg.staleSeconds) * 1000,
      observe: (seg, condition, samples, at, active) => {
        const windowSeconds = windowOf(seg);
        // a bucket is stamped at its end: its baseline is the one of its own hour
        const newest = samples[samples.length - 1]?.at.getTime();
        const baselineAt =
          seg.heldSeconds && newest !== undefined ? new Date(newest - 1) : undefined;
        return judgeAnomaly(def, tuning, condition, { samples, history, band }, at, active, {
          windowSeconds,
          ...(baselineAt ? { baselineAt } : {}),
        }).obs;
      },
    };
  }
  return {
    keepMs: (seg, condition) => (condition.windowSeconds + seg.staleSeconds) * 1000,
    observe: (_seg, condition, samples, at, active) => evaluate(condition, samples, at, active),
  };
}

/**
 * An anomaly's baseline at a time, from the hourly rows the loop would have read then:
 * those of the BASELINE_DAYS before it (`anomalyBaseline` cuts those that had not
 * ended before the judged window). The same rows, the same hour of the week, the same
 * side of the warm-up and the same window give the same band: it is computed once
 * (a month of minutes is a few hundred bands, not tens of thousands).
 */
function anomalyBands(rule: PlanRule, tuning: Tuned, rows: readonly SourceRow[]) {
  // the metric of each row once, not once per band
  const samples = anomalySamples(rule.def, rows);
  // the first sample at or after each index with a value: where the warm-up counts from
  const firstValued: number[] = new Array<number>(samples.length + 1).fill(Infinity);
  for (let i = samples.length - 1; i >= 0; i--) {
    const v = samples[i]!.value;
    firstValued[i] =
      v !== null && Number.isFinite(v) ? samples[i]!.at.getTime() : firstValued[i + 1]!;
  }
  let key = '';
  let band: Baseline = { ready: false, reason: 'no history yet' };
  return (at: Date, windowSeconds: number): Baseline => {
    const t = at.getTime();
    const lo = firstAtOrAfter(samples, t - BASELINE_DAYS * DAY_MS);
    const hi = firstAtOrAfter(samples, t - windowSeconds * 1000 - HOUR_MS + 1);
    const warm = t - (firstValued[lo] ?? Infinity) >= DEFAULT_BASELINE.warmupHours * HOUR_MS;
    const next = `${lo}:${hi}:${Math.floor(t / HOUR_MS) % 168}:${warm}:${windowSeconds}`;
    if (next !== key) {
      key = next;
      band = anomalyBand(rule.def, samples.slice(lo, hi), at, tuning.warning, windowSeconds);
    }
    return band;
  };
}

/** index of the first row at or after `t` (rows oldest first) */
function firstAtOrAfter(rows: readonly { at: Date }[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.at.getTime() < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
