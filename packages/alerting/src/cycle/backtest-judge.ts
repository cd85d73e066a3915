import type { Severity } from '@pgvigil/schema';
import {
  DEFAULT_BASELINE,
  evaluate,
  tuningOf,
  type Condition,
  type Observation,
  type Sample,
} from '../core';
import { num, type SourceRow } from '../rules';
import type { BacktestSegment } from './backtest';
import { BASELINE_DAYS, forecastWindowDays, judgeAnomaly, judgeForecast } from './observe';
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
    const baselineOf = anomalyHistory(rule, history);
    return {
      keepMs: (seg) => (windowOf(seg) + seg.staleSeconds) * 1000,
      observe: (seg, condition, samples, at, active) => {
        const windowSeconds = windowOf(seg);
        // a bucket is stamped at its end: its baseline is the one of its own hour
        const newest = samples[samples.length - 1]?.at.getTime();
        const baselineAt =
          seg.heldSeconds && newest !== undefined ? new Date(newest - 1) : undefined;
        const history = baselineOf(baselineAt ?? at, windowSeconds);
        return judgeAnomaly(def, tuning, condition, { samples, history }, at, active, {
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
 * The hourly rows an anomaly baseline at `at` reads: those of the BASELINE_DAYS before
 * it that ended before the judged window (the loop's read, then `anomalyBaseline`'s
 * cut). The same rows, the same hour of the week and the same side of the warm-up
 * give the same band: the slice is reused (a month of minutes is a few hundred bands).
 */
function anomalyHistory(rule: PlanRule, rows: readonly SourceRow[]) {
  const fromRollup = rule.def.anomaly?.fromRollup;
  // the first row at or after each index with a value: where the warm-up counts from
  const firstValued: number[] = new Array<number>(rows.length + 1).fill(Infinity);
  for (let i = rows.length - 1; i >= 0; i--) {
    const v = fromRollup?.((n) => num(rows[i]!.values[n])) ?? null;
    firstValued[i] = v !== null && Number.isFinite(v) ? rows[i]!.at.getTime() : firstValued[i + 1]!;
  }
  let key = '';
  let slice: readonly SourceRow[] = [];
  return (at: Date, windowSeconds: number): readonly SourceRow[] => {
    const t = at.getTime();
    const lo = firstAtOrAfter(rows, t - BASELINE_DAYS * DAY_MS);
    const hi = firstAtOrAfter(rows, t - windowSeconds * 1000 - HOUR_MS + 1);
    const warm = t - (firstValued[lo] ?? Infinity) >= DEFAULT_BASELINE.warmupHours * HOUR_MS;
    const next = `${lo}:${hi}:${Math.floor(t / HOUR_MS) % 168}:${warm}`;
    if (next !== key) {
      key = next;
      slice = rows.slice(lo, hi);
    }
    return slice;
  };
}

/** index of the first row at or after `t` (rows oldest first) */
function firstAtOrAfter(rows: readonly SourceRow[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.at.getTime() < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
