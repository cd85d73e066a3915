import type { ParamValues, RuleDefinition } from './types';

/**
 * The values a rule's derive runs with: its catalog defaults under the values set
 * globally or by overrides. Names the rule does not declare are dropped.
 */
export function paramValues(
  def: RuleDefinition,
  set: Readonly<Record<string, number>> = {},
): ParamValues {
  const out: Record<string, number> = {};
  for (const [name, p] of Object.entries(def.params ?? {}))
    out[name] = typeof set[name] === 'number' ? set[name] : p.default;
  return out;
}

/**
 * Why `values` cannot be stored for `def` (unknown name, below the minimum), by
 * name; empty when they can. A null value means "inherit" and is always valid.
 */
export function paramProblems(
  def: RuleDefinition | undefined,
  values: Readonly<Record<string, number | null>>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [name, v] of Object.entries(values)) {
    const p = def?.params?.[name];
    if (!p) problems[`params.${name}`] = 'this rule has no such parameter';
    else if (v !== null && (!Number.isFinite(v) || v < p.min))
      problems[`params.${name}`] = `must be a number >= ${p.min}`;
  }
  return problems;
}
