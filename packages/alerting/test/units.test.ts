import { describe, expect, it } from 'vitest';
import { alertMessage } from '../src/cycle/message';
import { itemLines, type NotificationPayload } from '../src/notify/payload';
import { formatValue } from '@pgvigil/schema';
import { BUILTIN_RULES, customRule } from '../src/rules';
import type { Baseline } from '../src/core';

/** What a formatted value must end with per unit (a pure count or number has none). */
const SUFFIX: Record<string, RegExp> = {
  percent: / %$/,
  bytes: / (B|KiB|MiB|GiB|TiB|PiB)$/,
  bytes_per_second: / (B|KiB|MiB|GiB|TiB|PiB)\/s$/,
  seconds: / (s|min|h|days?)$/,
  per_second: /\/s$/,
  ms_per_second: / ms\/s$/,
  days: / days?$/,
  sigma: / σ$/,
  count: /^-?\d+(\.\d+)?$/,
  ratio: /^-?\d+(\.\d+)?$/,
};

const band: Baseline = {
  ready: true,
  source: 'hour_of_day',
  median: 1.2,
  spread: 0.1,
  lower: 0.9,
  upper: 1.5,
  samples: 21,
};

describe('every built-in rule shows its value with its unit', () => {
  it.each(BUILTIN_RULES.map((r) => [r.key, r] as const))('%s', (_key, def) => {
    const value = def.warning ?? def.critical ?? 1;
    const details =
      def.kind === 'anomaly'
        ? { baseline: band, current: 42 }
        : def.kind === 'forecast'
          ? { forecast: { slopePerDay: 5, current: 35, daysUntilLimit: 13 } }
          : {};
    const message = alertMessage(def, value, details);
    if (def.unit === 'bool') {
      // a yes/no rule states its condition: "Server down", not "Server down: 0"
      expect(message).toBe(def.name);
      return;
    }
    const shown = formatValue(value, def.unit);
    expect(shown).toMatch(SUFFIX[def.unit]!);
    expect(message).toContain(shown);
  });

  it('formats a delay in seconds as minutes, not a bare number', () => {
    const def = BUILTIN_RULES.find((r) => r.key === 'standby_replay_delay')!;
    expect(alertMessage(def, 456.6, {})).toBe('Standby replay behind (standby view): 7.61 min');
  });

  it('scales bytes, durations and rates', () => {
    expect(formatValue(150 * 1024 ** 2, 'bytes')).toBe('150 MiB');
    expect(formatValue(1.5 * 1024 ** 3, 'bytes')).toBe('1.5 GiB');
    expect(formatValue(512, 'bytes')).toBe('512 B');
    expect(formatValue(1024 ** 3 / 60, 'bytes_per_second')).toBe('17.1 MiB/s');
    expect(formatValue(45, 'seconds')).toBe('45 s');
    expect(formatValue(240, 'seconds')).toBe('4 min');
    expect(formatValue(3 * 3600, 'seconds')).toBe('3 h');
    expect(formatValue(3 * 86_400, 'seconds')).toBe('3 days');
    expect(formatValue(1, 'days')).toBe('1 day');
    expect(formatValue(85.123, 'percent')).toBe('85.1 %');
    expect(formatValue(0.5, 'per_second')).toBe('0.5/s');
  });

  it('shows an anomaly against its expected band, in the metric unit', () => {
    const def = BUILTIN_RULES.find((r) => r.key === 'anomaly_temp_bytes')!;
    const message = alertMessage(def, 8.5, {
      baseline: { ...band, median: 1024 ** 2, lower: -1024, upper: 2 * 1024 ** 2 },
      current: 50 * 1024 ** 2,
    });
    expect(message).toBe(
      'Temporary bytes rate outside its usual band: 50 MiB/s, expected 0 B/s to 2 MiB/s (median 1 MiB/s, same hour of the day; 8.5 σ off)',
    );
  });

  it('shows a forecast as time to the limit and the trend', () => {
    const def = BUILTIN_RULES.find((r) => r.key === 'sequence_exhaustion_forecast')!;
    expect(
      alertMessage(def, 13, { forecast: { slopePerDay: 5, current: 35, daysUntilLimit: 13 } }),
    ).toBe('Sequence exhausted soon: 100 % in 13 days (now 35 %, 5 % a day)');
  });

  it('writes value and threshold with the unit in notifications', () => {
    const p: NotificationPayload = {
      kind: 'firing',
      title: 't',
      severity: 'warning',
      rule: null,
      server: null,
      items: [
        {
          alertId: 1,
          database: 'app',
          object: null,
          value: 300 * 1024 ** 2,
          threshold: 200 * 1024 ** 2,
          unit: 'bytes',
          message: 'x',
          since: null,
        },
      ],
      link: 'http://x',
      at: new Date().toISOString(),
    };
    expect(itemLines(p)).toEqual(['app: x — value 300 MiB (threshold 200 MiB)']);
  });

  it('gives a custom rule the unit of its probe column', () => {
    const unitOf = (probe: string, column: string, aggregation: string) =>
      customRule({
        key: 'custom_x',
        name: 'x',
        definition: { probe, column, aggregation, windowSeconds: 300, operator: '>' },
        warning: 1,
        critical: null,
        forSeconds: 0,
      }).unit;
    expect(unitOf('database_size', 'size_bytes', 'latest')).toBe('bytes');
    expect(unitOf('database_size', 'size_bytes', 'rate')).toBe('bytes_per_second');
    expect(unitOf('database_stats', 'temp_bytes', 'avg')).toBe('bytes_per_second');
    expect(unitOf('database_stats', 'temp_bytes', 'delta')).toBe('bytes');
    expect(unitOf('connectivity', 'rtt_ms', 'max')).toBe('ms');
    expect(unitOf('database_stats', 'xact_commit', 'avg')).toBe('per_second');
    expect(formatValue(12.5, 'ms')).toBe('12.5 ms');
    expect(formatValue(2500, 'ms')).toBe('2.5 s');
  });
});

describe('a table never vacuumed', () => {
  it('shows "never" in the autovacuum_overdue alert, not a sentinel as thousands of days', () => {
    const def = BUILTIN_RULES.find((r) => r.key === 'autovacuum_overdue')!;
    const at = new Date('2026-12-01T00:00:00Z');
    const [sample] = def.source.derive(
      [{ at, values: { n_live_tup: 0, n_dead_tup: 1000, vacuum_threshold: 50 } }],
      {},
    );
    expect(sample!.value).toBeGreaterThan(3600);
    expect(alertMessage(def, sample!.value, {})).toBe('Table not autovacuumed: never');
    expect(formatValue(sample!.value, def.unit)).toBe('never');
  });
});
