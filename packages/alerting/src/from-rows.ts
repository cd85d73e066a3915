// Stored rows -> the alerting domain. The alerter's loop and the web app both read
// rules, overrides and blackouts from the datastore; each mapping is written here once.
import type { BlackoutRow, LatestSample, OverrideRow, RuleRow } from '@pgvigil/db/alerting';
import type { BlackoutWindow, Override, Tuning } from './core';
import type { PlanRule, ScopedBlackout } from './cycle/plan';
import { BUILTIN_BY_KEY, customRule, paramValues, type RuleDefinition } from './rules';

/** A blackout row's window: recurring (cron + duration + timezone) or one-off. */
export function blackoutWindow(b: BlackoutRow): BlackoutWindow {
  if (b.cron)
    return {
      kind: 'recurring',
      cron: b.cron,
      durationMinutes: b.duration_minutes ?? 60,
      timezone: b.timezone,
    };
  // the CHECK on blackouts guarantees both ends of a one-off window
  return { kind: 'once', startsAt: b.starts_at!, endsAt: b.ends_at! };
}

/** Enabled blackouts with their scope, as the cycle matches them. */
export function scopedBlackouts(rows: readonly BlackoutRow[]): ScopedBlackout[] {
  return rows
    .filter((b) => b.enabled)
    .map((b) => ({
      window: blackoutWindow(b),
      scope: b.scope_type,
      scopeId: b.scope_id,
      database: b.database_name,
    }));
}

export function overrideOf(o: OverrideRow): Override {
  return {
    id: o.id,
    scope: o.scope_type,
    scopeId: o.scope_id,
    scopeValue: o.scope_value,
    enabled: o.enabled,
    warning: o.warning_threshold,
    critical: o.critical_threshold,
    forSeconds: o.for_seconds,
    params: o.params,
  };
}

/** A rule row's global tuning; parameters with the catalog's defaults filled in. */
export function ruleTuning(row: RuleRow, def?: RuleDefinition): Tuning {
  return {
    enabled: row.enabled,
    warning: row.warning_threshold,
    critical: row.critical_threshold,
    forSeconds: row.for_seconds,
    params: def ? paramValues(def, row.params) : row.params,
  };
}

/**
 * A rule row as the cycle evaluates it: a built-in from the catalog, a custom rule
 * from its stored definition. Null for a retired built-in or an invalid definition.
 */
export function planRuleOf(row: RuleRow, overrides: readonly OverrideRow[] = []): PlanRule | null {
  const own = overrides.filter((o) => o.rule_id === row.id).map(overrideOf);
  if (row.kind === 'custom') {
    const def = customDefinitionOf(row);
    if (!def) return null;
    return {
      id: row.id,
      def,
      tuning: { ...ruleTuning(row), params: row.params },
      overrides: own,
      scope: def.custom.scope,
      template: def.custom.message,
      ...(row.flap_limit !== null ? { flapLimit: row.flap_limit } : {}),
    };
  }
  const def = BUILTIN_BY_KEY.get(row.key);
  return def
    ? {
        id: row.id,
        def,
        tuning: { ...ruleTuning(row), params: row.params },
        overrides: own,
        ...(row.flap_limit !== null ? { flapLimit: row.flap_limit } : {}),
      }
    : null;
}

/** A stored custom rule's definition, or null when it no longer validates. */
export function customDefinitionOf(
  row: Pick<RuleRow, 'key' | 'name' | 'definition'> &
    Partial<Pick<RuleRow, 'warning_threshold' | 'critical_threshold' | 'for_seconds'>>,
): ReturnType<typeof customRule> | null {
  try {
    return customRule({
      key: row.key,
      name: row.name,
      definition: row.definition,
      warning: row.warning_threshold ?? null,
      critical: row.critical_threshold ?? null,
      forSeconds: row.for_seconds ?? 0,
    });
  } catch {
    return null;
  }
}

/**
 * How old a probe's newest sample may be before it counts as missing data: three
 * intervals and a margin; a change-tracked probe's newest row stays valid until
 * the next change.
 */
export function staleAfterSeconds(probe: { intervalSeconds: number; changeTracked: boolean }) {
  return probe.changeTracked ? Infinity : 3 * probe.intervalSeconds + 30;
}

/** One row per (probe, server): how many of its intervals ago its newest sample is. */
export function stalenessRows(
  latest: readonly LatestSample[],
  intervals: ReadonlyMap<string, { intervalSeconds: number }>,
  at: Date,
) {
  const newest = new Map<string, { probe: string; server: number; last: number }>();
  for (const l of latest) {
    // an empty result writes no sample: silence is not staleness for such probes
    if (l.may_be_empty) continue;
    const key = `${l.probe}\u0000${l.server_id}`;
    const t = l.last.getTime();
    if ((newest.get(key)?.last ?? -Infinity) < t)
      newest.set(key, { probe: l.probe, server: l.server_id, last: t });
  }
  return [...newest.values()].flatMap((n) => {
    const interval = intervals.get(n.probe)?.intervalSeconds;
    if (!interval) return [];
    return [
      {
        server_id: n.server,
        database_name: null,
        collected_at: at,
        values: {
          probe: n.probe,
          intervals_behind: Math.floor((at.getTime() - n.last) / 1000 / interval),
        },
      },
    ];
  });
}
