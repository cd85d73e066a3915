// The one formatter of values with units: notifications, the alerts table, the
// dashboard and the API's display strings all print a value through it.

/**
 * What a rule's value is measured in; every display formats it with formatValue below.
 * `ratio` is a plain number (load average), `sigma` robust standard deviations from
 * a baseline, `bool` a yes/no condition whose message states it.
 */
export const RULE_UNITS = [
  'percent',
  'bytes',
  'bytes_per_second',
  'seconds',
  'ms',
  'count',
  'per_second',
  'ms_per_second',
  'days',
  'ratio',
  'sigma',
  'bool',
] as const;
export type RuleUnit = (typeof RULE_UNITS)[number];

/**
 * A plain number: below 10,000 integers as they are and others to 3 significant
 * digits at most; above, scaled with k / M / G (207262 -> "207k", 12345 -> "12.3k").
 */
export function fmt(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${fmt(n / 1e9)}G`;
  if (a >= 1e6) return `${fmt(n / 1e6)}M`;
  if (a >= 1e4) return `${fmt(n / 1e3)}k`;
  if (Number.isInteger(n)) return String(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return String(Number(n.toFixed(2)));
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 -> "1.5 KiB", 7.3e9 -> "6.8 GiB". */
export function formatBytes(n: number): string {
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${n < 0 ? '-' : ''}${i === 0 ? String(Math.round(v)) : fmt(v)} ${BYTE_UNITS[i]}`;
}

/**
 * "Seconds since" something that never happened (a table never vacuumed): large enough to
 * cross any threshold, and shown as "never" rather than as thirty years.
 */
export const NEVER_SECONDS = 1e9;

/** 7.6 -> "7.6 s", 456 -> "7.6 min", 9000 -> "2.5 h", 400000 -> "4.6 days". */
export function formatSeconds(s: number): string {
  if (s >= NEVER_SECONDS) return 'never';
  const a = Math.abs(s);
  if (a < 90) return `${fmt(s)} s`;
  if (a < 90 * 60) return `${fmt(s / 60)} min`;
  if (a < 48 * 3600) return `${fmt(s / 3600)} h`;
  return formatDays(s / 86_400);
}

const formatDays = (d: number) => `${fmt(d)} ${Math.abs(d) === 1 ? 'day' : 'days'}`;

/** 0.03 -> "30 µs" (sub-millisecond statements are common), 250 -> "250 ms", 7600 -> "7.6 s". */
export function formatMs(n: number): string {
  const a = Math.abs(n);
  if (a !== 0 && a < 1) return `${fmt(n * 1000)} µs`;
  return a < 1000 ? `${fmt(n)} ms` : formatSeconds(n / 1000);
}

const FORMATS: Record<RuleUnit, (n: number) => string> = {
  percent: (n) => `${fmt(n)} %`,
  bytes: formatBytes,
  bytes_per_second: (n) => `${formatBytes(n)}/s`,
  seconds: formatSeconds,
  ms: formatMs,
  count: fmt,
  per_second: (n) => `${fmt(n)}/s`,
  ms_per_second: (n) => `${fmt(n)} ms/s`,
  days: formatDays,
  ratio: fmt,
  sigma: (n) => `${fmt(n)} σ`,
  bool: (n) => (n === 0 ? 'no' : 'yes'),
};

/** A value as a person reads it: with its unit, scaled (bytes, durations); '—' when unknown. */
export function formatValue(value: number | null | undefined, unit: RuleUnit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return FORMATS[unit](value);
}
