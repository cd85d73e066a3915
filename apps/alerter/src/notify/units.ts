import type { RuleUnit } from '../rules';

/** A plain number: integers as they are, otherwise 3 significant digits at most. */
export const fmt = (n: number) =>
  Number.isInteger(n)
    ? String(n)
    : Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 10
        ? n.toFixed(1)
        : String(Number(n.toFixed(2)));

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

/** 7.6 -> "7.6 s", 456 -> "7.6 min", 9000 -> "2.5 h", 400000 -> "4.6 days". */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a < 90) return `${fmt(s)} s`;
  if (a < 90 * 60) return `${fmt(s / 60)} min`;
  if (a < 48 * 3600) return `${fmt(s / 3600)} h`;
  return formatDays(s / 86_400);
}

const formatDays = (d: number) => `${fmt(d)} ${Math.abs(d) === 1 ? 'day' : 'days'}`;

const FORMATS: Record<RuleUnit, (n: number) => string> = {
  percent: (n) => `${fmt(n)} %`,
  bytes: formatBytes,
  bytes_per_second: (n) => `${formatBytes(n)}/s`,
  seconds: formatSeconds,
  ms: (n) => (Math.abs(n) < 1000 ? `${fmt(n)} ms` : formatSeconds(n / 1000)),
  count: fmt,
  per_second: (n) => `${fmt(n)}/s`,
  ms_per_second: (n) => `${fmt(n)} ms/s`,
  days: formatDays,
  ratio: fmt,
  sigma: (n) => `${fmt(n)} σ`,
  bool: (n) => (n === 0 ? 'no' : 'yes'),
};

/** A rule's value as a person reads it: with its unit, scaled (bytes, durations). */
export function formatValue(value: number, unit: RuleUnit): string {
  return FORMATS[unit](value);
}
