import {
  OVERRIDE_LEVELS,
  type Environment,
  type OverrideLevel,
  type Tunable,
} from '@pgvigil/schema';
export { OVERRIDE_LEVELS, TUNABLES, type OverrideLevel, type Tunable } from '@pgvigil/schema';

export interface Tuning {
  enabled: boolean;
  warning: number | null;
  critical: number | null;
  forSeconds: number;
  /** rule parameters set at this level (bloat minimums...); absent names inherit */
  params?: Readonly<Record<string, number>>;
}

export interface Override {
  id?: number;
  scope: Exclude<OverrideLevel, 'global'>;
  /** cluster or server id; for 'database' the server id */
  scopeId: number | null;
  /** environment name, or database name for 'database' */
  scopeValue: string | null;
  enabled: boolean | null;
  warning: number | null;
  critical: number | null;
  forSeconds: number | null;
  params?: Readonly<Record<string, number>>;
}

export interface Target {
  environment: Environment | null;
  clusterId: number | null;
  serverId: number | null;
  databaseName: string | null;
}

interface Sourced<T> {
  value: T;
  source: OverrideLevel;
  overrideId?: number;
}
export type Effective = { [K in Tunable]: Sourced<Tuning[K]> } & {
  params: Record<string, Sourced<number>>;
};

/** The effective tuning without where each value comes from. */
export const tuningOf = (eff: Effective): Tuning => ({
  enabled: eff.enabled.value,
  warning: eff.warning.value,
  critical: eff.critical.value,
  forSeconds: eff.forSeconds.value,
  params: Object.fromEntries(Object.entries(eff.params).map(([k, p]) => [k, p.value])),
});

function applies(o: Override, t: Target): boolean {
  switch (o.scope) {
    case 'environment':
      return t.environment !== null && o.scopeValue === t.environment;
    case 'cluster':
      return t.clusterId !== null && o.scopeId === t.clusterId;
    case 'server':
      return t.serverId !== null && o.scopeId === t.serverId;
    case 'database':
      return o.scopeId === t.serverId && t.databaseName !== null && o.scopeValue === t.databaseName;
  }
}

/**
 * The values a rule runs with for one target, and where each comes from. A null in
 * an override means "inherit"; the most specific level that sets a value wins.
 */
export function resolveOverrides(
  defaults: Tuning,
  overrides: readonly Override[],
  target: Target,
): Effective {
  const eff: Effective = {
    enabled: { value: defaults.enabled, source: 'global' },
    warning: { value: defaults.warning, source: 'global' },
    critical: { value: defaults.critical, source: 'global' },
    forSeconds: { value: defaults.forSeconds, source: 'global' },
    params: Object.fromEntries(
      Object.entries(defaults.params ?? {}).map(([k, v]) => [k, { value: v, source: 'global' }]),
    ),
  };
  const ordered = overrides
    .filter((o) => applies(o, target))
    .sort((a, b) => OVERRIDE_LEVELS.indexOf(a.scope) - OVERRIDE_LEVELS.indexOf(b.scope));
  for (const o of ordered) {
    const extra = o.id === undefined ? {} : { overrideId: o.id };
    if (o.enabled !== null) eff.enabled = { value: o.enabled, source: o.scope, ...extra };
    if (o.warning !== null) eff.warning = { value: o.warning, source: o.scope, ...extra };
    if (o.critical !== null) eff.critical = { value: o.critical, source: o.scope, ...extra };
    if (o.forSeconds !== null) eff.forSeconds = { value: o.forSeconds, source: o.scope, ...extra };
    for (const [k, v] of Object.entries(o.params ?? {}))
      eff.params[k] = { value: v, source: o.scope, ...extra };
  }
  return eff;
}
