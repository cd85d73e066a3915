import { CHARTS, CHART_IDS, seriesLabel } from '@pgvigil/schema/charts';
import { describe, expect, it } from 'vitest';

// Legends and tooltips show these words instead of pg_stat column names.
describe('chart series labels', () => {
  it.each(CHART_IDS)('%s labels every column in words, rates with their unit', (id) => {
    const chart = CHARTS[id];
    // a split chart's series are key values (states, standbys), not its columns
    for (const column of chart.splitBy ? [] : chart.columns) {
      const label = seriesLabel(chart, column);
      expect(label, column).not.toBe(column);
      expect(label, column).not.toMatch(/_/);
      if (chart.unit === 'per_second' || chart.unit === 'bytes_per_second') {
        expect(label, column).toMatch(/\/s\)?$/);
      }
    }
  });

  it('names a split series by its value when no label is needed', () => {
    expect(seriesLabel(CHARTS.sessions, 'idle in transaction')).toBe('idle in transaction');
    expect(seriesLabel(CHARTS.wait_events, 'none')).toBe('not waiting (on CPU)');
  });
});
