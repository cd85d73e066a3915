import { describe, expect, it } from 'vitest';
import { packChart, unpackChart } from '@/components/charts/packed';
import type { ChartData } from '@/contract';

const chart: ChartData = {
  chart: {
    id: 'tps',
    title: 'Transactions per second',
    probe: 'database_stats',
    columns: ['xact_commit', 'xact_rollback'],
    unit: 'per_second',
    combine: 'sum',
    labels: { xact_commit: 'commits/s', xact_rollback: 'rollbacks/s' },
    unavailableHint: 'none yet',
  },
  available: true,
  resolution: '5m',
  bucketSeconds: 2100,
  series: ['xact_commit', 'xact_rollback'],
  rows: [
    { t: 1796016600000, xact_commit: 178.81333333333333, xact_rollback: 1.7893333333333337 },
    { t: 1796018700000, xact_commit: null, xact_rollback: 0.000012345678 },
    { t: 1796020800000, xact_commit: 123456789.123, xact_rollback: 0 },
  ],
};

describe('chart data inlined in a page (packed)', () => {
  it('is one array per series, values to 5 significant digits, and unpacks to the rows', () => {
    const packed = packChart(chart);
    expect(packed).not.toHaveProperty('rows');
    expect(packed.t).toEqual([1796016600000, 1796018700000, 1796020800000]);
    expect(packed.values).toEqual({
      xact_commit: [178.81, null, 123460000],
      xact_rollback: [1.7893, 0.000012346, 0],
    });
    const back = unpackChart(packed);
    expect(back).toEqual({
      ...chart,
      rows: [
        { t: 1796016600000, xact_commit: 178.81, xact_rollback: 1.7893 },
        { t: 1796018700000, xact_commit: null, xact_rollback: 0.000012346 },
        { t: 1796020800000, xact_commit: 123460000, xact_rollback: 0 },
      ],
    });
  });

  it('carries a 300-point chart in under half the JSON', () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      t: 1796016600000 + i * 2_100_000,
      xact_commit: 150 + 30 * Math.sin(i / 20) + 1 / 3,
      xact_rollback: 1.5 + Math.cos(i / 20) / 3,
    }));
    const big = { ...chart, rows };
    expect(JSON.stringify(packChart(big)).length).toBeLessThan(JSON.stringify(big).length / 2);
  });

  it('keeps a chart with no rows, and a key no row has', () => {
    const empty = { ...chart, available: false, reason: 'not collected', rows: [] };
    expect(unpackChart(packChart(empty))).toEqual(empty);
  });
});
