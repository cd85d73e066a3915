/** Number formatting shared by tables, stats and chart axes. */
export function formatNumber(v: number | null | undefined, digits = 1): string {
  if (v == null || Number.isNaN(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${(v / 1e9).toFixed(digits)}G`;
  if (abs >= 1e6) return `${(v / 1e6).toFixed(digits)}M`;
  if (abs >= 1e4) return `${(v / 1e3).toFixed(digits)}k`;
  if (abs >= 100 || Number.isInteger(v)) return v.toFixed(0);
  return v.toFixed(abs < 1 ? 2 : digits);
}

export function formatBytes(v: number | null | undefined): string {
  if (v == null || Number.isNaN(v)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let n = v;
  let u = 0;
  while (Math.abs(n) >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n.toFixed(n >= 100 || u === 0 ? 0 : 1)} ${units[u]}`;
}

export function formatAgo(at: Date | string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000));
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
