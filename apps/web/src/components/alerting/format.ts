/** Shared display helpers for the alerting pages (server and client). */
import { formatBytes, formatNumber } from '@/components/dashboard/format';

export function ago(from: Date | string | null, now: Date): string {
  if (!from) return '—';
  const s = Math.max(0, Math.round((now.getTime() - new Date(from).getTime()) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Math.abs(v) >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(1)} GiB`;
  if (Math.abs(v) >= 1024 ** 2 * 10) return `${(v / 1024 ** 2).toFixed(0)} MiB`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export const SEVERITY_BADGE: Record<string, string> = {
  critical: 'badge badge-critical',
  warning: 'badge badge-warning',
  info: 'badge badge-info',
};
export const STATE_BADGE: Record<string, string> = {
  firing: 'badge badge-critical',
  pending: 'badge badge-warning',
  acknowledged: 'badge badge-info',
  silenced: 'badge badge-disabled',
  no_data: 'badge badge-unknown',
  resolved: 'badge badge-ok',
  ok: 'badge badge-ok',
};

/** A duration in words: 90 -> "1.5 min", 3600 -> "1 h". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds === 0) return 'at once';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${+(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${+(seconds / 3600).toFixed(1)} h`;
  return `${+(seconds / 86_400).toFixed(1)} d`;
}

/** A rule's threshold in its catalog unit, as a reader (not an input) shows it. */
export function withUnit(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined) return '—';
  switch (unit) {
    case 'bytes':
      return formatBytes(v);
    case 'seconds':
      return duration(v);
    case 'percent':
      return `${+v.toFixed(2)}%`;
    case 'bytes_per_second':
      return `${formatBytes(v)}/s`;
    case 'per_second':
      return `${formatNumber(v)}/s`;
    case 'days':
      return `${+v.toFixed(1)} d`;
    case 'ms':
      return Math.abs(v) < 1000 ? `${formatNumber(v)} ms` : duration(+(v / 1000).toFixed(1));
    case 'ms_per_second':
      return `${formatNumber(v)} ms/s`;
    case 'sigma':
      return `${formatNumber(v)} σ`;
    default: // count, ratio, bool: the number itself
      return formatNumber(v);
  }
}
