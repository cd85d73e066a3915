import { CHARTS } from '@pgvigil/schema/charts';
import { describe, expect, it } from 'vitest';
import {
  boundRows,
  displayRows,
  formatChartValue,
  orderSeries,
  perLabel,
  ratePer,
} from '../src/components/charts/series-display';

describe('chart series as drawn', () => {
  it('counts rare events per minute or per hour instead of 0.00/s', () => {
    expect(ratePer('per_second', 250)).toBe('s');
    expect(ratePer('per_second', 0.02)).toBe('min');
    expect(ratePer('per_second', 0.0005)).toBe('h');
    expect(ratePer('bytes', 0.02)).toBe('s');
    expect(perLabel('timed checkpoints/s', 'min')).toBe('timed checkpoints/min');
    expect(perLabel('cache hits (blocks/s)', 'h')).toBe('cache hits (blocks/h)');
    const rows = displayRows(CHARTS.checkpoints, [{ t: 0, num_timed: 0.02 }], ['num_timed'], 'min');
    expect(rows[0]!.num_timed).toBeCloseTo(1.2);
    expect(formatChartValue('per_second', 1.2, 'min')).toBe('1.2/min');
  });

  it('fills a state absent from a sample with 0 in a stacked split chart only', () => {
    const rows = [{ t: 0, active: 2, idle: null }];
    expect(displayRows(CHARTS.sessions, rows, ['active', 'idle'], 's')[0]!.idle).toBe(0);
    expect(
      displayRows(CHARTS.table_dead, [{ t: 0, n_dead_tup: null }], ['n_dead_tup'], 's')[0]!
        .n_dead_tup,
    ).toBeNull();
  });

  it('keeps the chart column order and shows sub-millisecond times in µs', () => {
    expect(orderSeries(CHARTS.table_size, ['toast_bytes', 'heap_bytes', 'index_bytes'])).toEqual([
      'heap_bytes',
      'toast_bytes',
      'index_bytes',
    ]);
    expect(formatChartValue('ms', 0.03)).toBe('30 µs');
    expect(formatChartValue('ms', 12)).toBe('12 ms');
  });
});

describe('points bounded by the chart width', () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({
    t: i * 60_000,
    a: i === 517 ? 900 : i === 733 ? -50 : 10 + (i % 7),
    b: i >= 200 && i < 300 ? null : i,
  }));

  it('keeps at most one row per pixel and every peak and dip of each series', () => {
    const out = boundRows(rows, ['a', 'b'], 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.length).toBeGreaterThan(250);
    const a = out.map((r) => r.a);
    expect(Math.max(...a)).toBe(900); // a single sample's spike survives
    expect(Math.min(...a)).toBe(-50);
    // times stay in order, inside the original span
    for (let i = 1; i < out.length; i++) expect(out[i]!.t).toBeGreaterThan(out[i - 1]!.t);
    expect(out[0]!.t).toBe(0);
    expect(out.at(-1)!.t).toBe(999 * 60_000);
    // a run with no value stays a gap; a rising series keeps its ends
    expect(
      out.filter((r) => r.t >= 200 * 60_000 && r.t < 300 * 60_000).every((r) => r.b === null),
    ).toBe(true);
    expect(out.at(-1)!.b).toBe(999);
  });

  it('returns rows within the bound as they are', () => {
    const few = rows.slice(0, 100);
    expect(boundRows(few, ['a', 'b'], 300)).toEqual(few);
  });
});
