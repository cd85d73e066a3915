import { describe, expect, it } from 'vitest';
import { BUILTIN_BY_KEY } from '@pgvigil/alerting';
import { CHARTS, type ChartId } from '@pgvigil/schema/charts';
import { bandChartHref, bandChartOf, CHART_BANDS } from '@/components/charts/chart-bands';
import {
  bandDrawn,
  bandWanted,
  EXPECTED,
  withBand,
  type BandResponse,
} from '@/components/charts/expected-band';

const HOUR = 3_600_000;
const t0 = Date.parse('2026-03-16T10:00:00Z');

describe('expected band on charts', () => {
  it('pairs each chart only with an anomaly rule of the same unit and a series it has', () => {
    for (const [chart, spec] of Object.entries(CHART_BANDS)) {
      const def = BUILTIN_BY_KEY.get(spec.rule);
      const c = CHARTS[chart as ChartId];
      expect(def?.kind, spec.rule).toBe('anomaly');
      expect(def!.anomaly!.metricUnit, chart).toBe(c.unit);
      expect(def!.source.probe, chart).toBe(c.probe);
      if (spec.series) expect(c.columns, chart).toContain(spec.series);
      // the rule's column is what the chart plots, not a derived ratio of it
      expect(def!.source.columns, chart).toEqual(spec.series ? [spec.series] : c.columns);
      expect(spec.perDatabase, chart).toBe((def!.source.objectKeys ?? [])[0] === 'datname');
      expect(bandChartOf(spec.rule)).toEqual({ chart, perDatabase: spec.perDatabase });
    }
    expect(bandChartOf('anomaly_cache_hit')).toBeNull();
  });

  it("links an anomaly alert to its band's chart, the database's own for a per-database rule", () => {
    const alert = {
      serverId: 4,
      databaseName: null,
      objectKey: 'shop',
      window: { from: new Date(t0), to: new Date(t0 + HOUR) },
    };
    const window = `?from=${encodeURIComponent(new Date(t0).toISOString())}&to=${encodeURIComponent(new Date(t0 + HOUR).toISOString())}`;
    expect(bandChartHref({ ...alert, ruleKey: 'anomaly_rollbacks' })).toBe(
      `/servers/4/databases/shop${window}#chart-commits_rollbacks`,
    );
    expect(bandChartHref({ ...alert, objectKey: null, ruleKey: 'anomaly_wal_bytes' })).toBe(
      `/servers/4${window}#chart-wal`,
    );
    expect(bandChartHref({ ...alert, ruleKey: 'anomaly_cache_hit' })).toBeNull();
    expect(bandChartHref({ ...alert, ruleKey: 'connections_used' })).toBeNull();
  });

  it('gives each row the band of its hour, scaled like the series', () => {
    const point = (at: number, lower: number | null, upper: number | null) => ({
      at: new Date(at).toISOString(),
      lower,
      median: null,
      upper,
      source: null,
    });
    const band: BandResponse = {
      rule: 'anomaly_tps',
      name: 'Unusual transaction rate',
      serverId: 1,
      object: null,
      unit: 'per_second',
      sensitivity: { value: 3, source: 'global' },
      ready: true,
      reason: null,
      points: [point(t0, 1, 3), point(t0 + HOUR, null, null), point(t0 + 2 * HOUR, 2, 4)],
    };
    const rows = [0, 30, 60, 90, 120, 150].map((m) => ({ t: t0 + m * 60_000, x: 1 }));
    const drawn = withBand(rows, band, 60);
    expect(drawn.map((r) => r[EXPECTED] ?? null)).toEqual([
      [60, 180],
      [60, 180],
      null,
      null,
      [120, 240],
      [120, 240],
    ]);
    expect(drawn[0]!.x).toBe(1);
    expect(bandDrawn(band)).toBe(true);
    expect(
      bandDrawn({ ...band, ready: false, points: band.points.map((p) => ({ ...p, lower: null })) }),
    ).toBe(false);
  });

  it('asks for a band only once its chart draws, on a page that shades bands', () => {
    const drawn = { expected: true, data: undefined, object: undefined, width: 640 };
    expect(bandWanted(drawn)).toBe(true);
    // below the fold (not drawn yet), a page without bands, a query's history, a table's chart
    expect(bandWanted({ ...drawn, width: 0 })).toBe(false);
    expect(bandWanted({ ...drawn, expected: false })).toBe(false);
    expect(bandWanted({ ...drawn, data: { available: true } })).toBe(false);
    expect(bandWanted({ ...drawn, object: { schema: 'public', name: 't' } })).toBe(false);
  });
});
