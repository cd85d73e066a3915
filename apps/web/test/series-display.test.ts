import { CHARTS } from '@pgvigil/schema/charts';
import { describe, expect, it } from 'vitest';
import {
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
