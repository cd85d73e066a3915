import type { Aggregation, Operator, Severity } from '@pgvigil/schema';
export { AGGREGATIONS, OPERATORS, type Aggregation, type Operator } from '@pgvigil/schema';
import type { Observation } from './lifecycle';

export interface Sample {
  at: Date;
  value: number | null;
}

/** The numeric part of a rule, after overrides were applied. */
export interface Condition {
  aggregation: Aggregation;
  windowSeconds: number;
  operator: Operator;
  warning: number | null;
  critical: number | null;
  /** how far back past the threshold a value must go to clear, as a fraction of it */
  hysteresis: number;
  /**
   * Values the metric can take (a percentage cannot pass 100). The relaxed line
   * never leaves this range, or an alert near its edge could never clear.
   */
  range?: { min: number; max: number };
  /** no sample newer than this is `missing` */
  staleSeconds: number;
}

/** Sum of increases, treating a drop as a counter reset (stats reset, restart). */
function increase(values: number[]): number {
  let total = 0;
  for (let i = 1; i < values.length; i++) {
    const prev = values[i - 1]!;
    const cur = values[i]!;
    total += cur >= prev ? cur - prev : cur;
  }
  return total;
}

export function aggregate(aggregation: Aggregation, samples: readonly Sample[]): number | null {
  const points = samples.filter((s): s is { at: Date; value: number } => s.value !== null);
  if (points.length === 0) return null;
  const values = points.map((p) => p.value);
  switch (aggregation) {
    case 'latest':
      return values[values.length - 1]!;
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'delta':
      return points.length < 2 ? null : increase(values);
    case 'rate': {
      if (points.length < 2) return null;
      const seconds = (points[points.length - 1]!.at.getTime() - points[0]!.at.getTime()) / 1000;
      return seconds > 0 ? increase(values) / seconds : null;
    }
  }
}

const compare = (op: Operator, value: number, threshold: number) =>
  op === '>'
    ? value > threshold
    : op === '>='
      ? value >= threshold
      : op === '<'
        ? value < threshold
        : value <= threshold;

/** The threshold moved back by the hysteresis margin, used while an alert is active. */
function relaxed(
  op: Operator,
  threshold: number,
  hysteresis: number,
  range: { min: number; max: number } = { min: -Infinity, max: Infinity },
): number {
  const margin = Math.abs(threshold) * hysteresis;
  if (op === '>' || op === '>=')
    return Math.max(threshold - margin, Math.min(threshold, range.min));
  return Math.min(threshold + margin, Math.max(threshold, range.max));
}

/**
 * Decides one observation for one rule instance at `at`. `active` is the severity
 * the alert currently has, if open: it keeps that level until the value goes back
 * past the threshold by the hysteresis margin, so a value hovering at the line
 * does not flap.
 */
export function evaluate(
  condition: Condition,
  samples: readonly Sample[],
  at: Date,
  active: Severity | null = null,
): Observation {
  const from = at.getTime() - condition.windowSeconds * 1000;
  const inWindow = samples.filter((s) => s.at.getTime() > from && s.at.getTime() <= at.getTime());
  const newest = inWindow[inWindow.length - 1];
  if (!newest || at.getTime() - newest.at.getTime() > condition.staleSeconds * 1000) {
    return { kind: 'missing' };
  }
  const value = aggregate(condition.aggregation, inWindow);
  if (value === null) return { kind: 'missing' };
  const levels: [Severity, number | null][] = [
    ['critical', condition.critical],
    ['warning', condition.warning],
  ];
  for (const [severity, threshold] of levels) {
    if (threshold === null) continue;
    const keep = active === severity || (active === 'critical' && severity === 'warning');
    const line = keep
      ? relaxed(condition.operator, threshold, condition.hysteresis, condition.range)
      : threshold;
    if (compare(condition.operator, value, line)) {
      return { kind: 'breach', severity, value, threshold };
    }
  }
  return { kind: 'clear', value };
}
