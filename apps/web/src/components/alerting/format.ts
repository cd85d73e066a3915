/** Shared display helpers for the alerting pages (server and client). */
import { fmt, formatSeconds, formatValue, RULE_UNITS, type RuleUnit } from '@pgvigil/schema';

export function ago(from: Date | string | null, now: Date): string {
  if (!from) return '—';
  const s = Math.max(0, Math.round((now.getTime() - new Date(from).getTime()) / 1000));
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : fmt(v);
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

/** A rule's `for` in words: 0 -> "at once", 90 -> "1.5 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  return seconds === 0 ? 'at once' : formatSeconds(seconds);
}

const isRuleUnit = (u: string): u is RuleUnit => (RULE_UNITS as readonly string[]).includes(u);

/** A rule's value or threshold with its unit, as the notifications print it. */
export function withUnit(v: number | null | undefined, unit: string): string {
  return isRuleUnit(unit) ? formatValue(v, unit) : num(v);
}
