import { plainText, type NotificationPayload } from '@pgvigil/alerting';
import { describe, expect, it } from 'vitest';
import { formatChartValue } from '@/components/charts/series-display';
import { withUnit } from '@/components/alerting/format';
import { formatBytes, formatNumber } from '@/components/dashboard/format';

// A value reads the same on the dashboard (charts, tables, the alerts page) and in
// the notification it caused: one formatter, @pgvigil/schema's, behind both.
const payload = (value: number, unit: NotificationPayload['items'][number]['unit']) =>
  plainText({
    kind: 'firing',
    title: 't',
    severity: 'warning',
    rule: null,
    server: null,
    items: [
      {
        alertId: 1,
        database: null,
        object: null,
        value,
        threshold: null,
        unit,
        message: 'm',
        since: null,
      },
    ],
    link: 'http://localhost:3000/alerts',
    at: '2026-01-01T00:00:00Z',
  });
const valueIn = (text: string) => /value (.+)$/m.exec(text)?.[1];

describe('the dashboard and a notification print the same text', () => {
  it.each([
    [157_286_400, 'bytes', '150 MiB'],
    [2_516_582.4, 'bytes_per_second', '2.4 MiB/s'],
    [85.2, 'percent', '85.2 %'],
    [0.03, 'ms', '30 µs'],
    [7_600, 'ms', '7.6 s'],
  ] as const)('%d %s', (value, unit, text) => {
    expect(valueIn(payload(value, unit))).toBe(text);
    expect(withUnit(value, unit)).toBe(text);
    expect(formatChartValue(unit, value)).toBe(text);
  });

  it('bytes in tables and plain numbers too', () => {
    expect(formatBytes(157_286_400)).toBe(valueIn(payload(157_286_400, 'bytes')));
    expect(formatNumber(207_262)).toBe(valueIn(payload(207_262, 'count')));
    expect(formatNumber(207_262)).toBe('207k');
  });
});
