import { describe, expect, it } from 'vitest';
import { aggregate, evaluate, type Condition, type Sample } from '../src/core';

const t0 = new Date('2026-03-10T12:00:00Z');
const series = (values: (number | null)[], stepSeconds = 60): Sample[] =>
  values.map((value, i) => ({ at: new Date(t0.getTime() + i * stepSeconds * 1000), value }));
const cond = (over: Partial<Condition> = {}): Condition => ({
  aggregation: 'latest',
  windowSeconds: 600,
  operator: '>',
  warning: 80,
  critical: 90,
  hysteresis: 0.05,
  staleSeconds: 180,
  ...over,
});
const end = (s: Sample[]) => s[s.length - 1]!.at;

describe('aggregate', () => {
  const s = series([10, 20, 30, null, 60]);
  it('computes latest, avg, max, min, ignoring nulls', () => {
    expect(aggregate('latest', s)).toBe(60);
    expect(aggregate('avg', s)).toBe(30);
    expect(aggregate('max', s)).toBe(60);
    expect(aggregate('min', s)).toBe(10);
  });
  it('computes delta and per-second rate across a counter reset', () => {
    const c = series([100, 160, 10, 70]);
    expect(aggregate('delta', c)).toBe(60 + 10 + 60);
    expect(aggregate('rate', c)).toBeCloseTo(130 / 180);
    expect(aggregate('rate', series([5]))).toBeNull();
  });
});

describe('evaluate', () => {
  it('picks the highest level crossed', () => {
    for (const [v, expected] of [
      [50, 'clear'],
      [85, 'warning'],
      [95, 'critical'],
    ] as const) {
      const s = series([v]);
      const obs = evaluate(cond(), s, end(s));
      expect(obs.kind === 'breach' ? obs.severity : obs.kind).toBe(expected);
    }
  });

  it('is missing when the newest sample is stale or absent', () => {
    const s = series([95]);
    expect(evaluate(cond(), s, new Date(t0.getTime() + 181_000))).toEqual({ kind: 'missing' });
    expect(evaluate(cond(), [], t0)).toEqual({ kind: 'missing' });
  });

  it('holds an active level until the value is past the hysteresis margin', () => {
    const s = series([78]);
    expect(evaluate(cond(), s, end(s)).kind).toBe('clear');
    expect(evaluate(cond(), s, end(s), 'warning')).toMatchObject({ severity: 'warning' });
    const low = series([75]);
    expect(evaluate(cond(), low, end(low), 'warning').kind).toBe('clear');
    const between = series([88]);
    expect(evaluate(cond(), between, end(between), 'critical')).toMatchObject({
      severity: 'critical',
    });
  });

  it('never moves the clearing line outside the range the value can take', () => {
    const c = cond({ operator: '<', warning: 98, critical: null, range: { min: 0, max: 100 } });
    const full = series([100]);
    expect(evaluate(c, full, end(full), 'warning').kind).toBe('clear');
    const almost = series([99]);
    expect(evaluate(c, almost, end(almost), 'warning').kind).toBe('breach');
    const up = cond({ operator: '<', warning: null, critical: 1, hysteresis: 0 });
    expect(evaluate(up, series([1]), end(series([1])), 'critical').kind).toBe('clear');
  });

  it('supports below-threshold rules (cache hit ratio < 90)', () => {
    const c = cond({ operator: '<', warning: 90, critical: 80 });
    const s = series([85]);
    expect(evaluate(c, s, end(s))).toMatchObject({ kind: 'breach', severity: 'warning' });
    const back = series([91]);
    expect(evaluate(c, back, end(back), 'warning').kind).toBe('breach');
    const well = series([95]);
    expect(evaluate(c, well, end(well), 'warning').kind).toBe('clear');
  });

  it('only looks at samples inside the window', () => {
    const s = series([95, 95, 10], 700);
    expect(evaluate(cond({ aggregation: 'max' }), s, end(s))).toEqual({
      kind: 'clear',
      value: 10,
    });
  });
});
