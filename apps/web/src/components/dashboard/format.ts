// The dashboard prints numbers through @pgvigil/schema's formatter, the one the
// notifications use: a value reads the same on a chart, in a table and in an alert.
import { fmt, formatValue } from '@pgvigil/schema';

export function formatNumber(v: number | null | undefined): string {
  return v == null || Number.isNaN(v) ? '—' : fmt(v);
}

export function formatBytes(v: number | null | undefined): string {
  return formatValue(v, 'bytes');
}

export function formatAgo(at: Date | string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000));
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
