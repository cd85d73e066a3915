import type { MetricColumn } from '@pgvigil/schema';
import { getMetricSpec } from '@pgvigil/probes';
import { z } from 'zod';
import type { Aggregation } from '../core';
import { column } from './derive';
import type { RuleUnit } from '@pgvigil/schema';
import type { RuleDefinition } from './types';
import { longWindowProblem } from '../cycle/long-window';
import { customDefinitionShape, type RuleScope } from '../wire/custom-definition';

export { ruleScope, type RuleScope } from '../wire/custom-definition';

/** What a custom rule stores in rules.definition: the API's shape, checked against its probe. */
export const customDefinition = customDefinitionShape.superRefine((d, ctx) => {
  const problem = longWindowProblem(d);
  if (problem) ctx.addIssue({ code: 'custom', path: ['windowSeconds'], message: problem });
});
export type CustomDefinition = z.infer<typeof customDefinition>;

export interface StoredRule {
  key: string;
  name: string;
  definition: unknown;
  warning: number | null;
  critical: number | null;
  forSeconds: number;
}

/**
 * The unit of a custom rule's value, from its probe column: a rate of bytes is
 * bytes/s, a latest of milliseconds is ms; xids, LSNs and plain counts stay numbers.
 */
export function customUnit(col: MetricColumn | undefined, aggregation: Aggregation): RuleUnit {
  const perSecond = aggregation === 'rate' || (col?.counter === true && aggregation !== 'delta');
  switch (col?.unit) {
    case 'bytes':
      return perSecond ? 'bytes_per_second' : 'bytes';
    case 'ms':
      return perSecond ? 'ms_per_second' : 'ms';
    case 'seconds':
      // seconds per second is a share of time, a plain ratio
      return perSecond ? 'ratio' : 'seconds';
    case 'percent':
      return 'percent';
    default:
      return perSecond ? 'per_second' : 'count';
  }
}

/** A custom rule from the datastore as a rule the loop can run. */
export function customRule(stored: StoredRule): RuleDefinition & { custom: CustomDefinition } {
  const def = customDefinition.parse(stored.definition);
  return {
    key: stored.key,
    name: stored.name,
    kind: 'custom',
    category: 'queries',
    source: {
      probe: def.probe,
      columns: [def.column],
      objectKeys: def.objectKeys,
      derive: column(def.column),
    },
    aggregation: def.aggregation,
    windowSeconds: def.windowSeconds,
    operator: def.operator,
    warning: stored.warning,
    critical: stored.critical,
    forSeconds: stored.forSeconds,
    unit: customUnit(
      getMetricSpec(def.probe)?.columns.find((c) => c.name === def.column),
      def.aggregation,
    ),
    explanation: `Custom rule: ${def.aggregation} of ${def.probe}.${def.column} over ${def.windowSeconds}s ${def.operator} threshold.`,
    runbook: '',
    custom: def,
  };
}

export interface ScopeTarget {
  environment: string | null;
  clusterId: number | null;
  serverId: number;
  database: string | null;
}

export function inScope(scope: RuleScope, t: ScopeTarget): boolean {
  const ok = <T>(list: readonly T[], v: T | null) =>
    list.length === 0 || (v !== null && list.includes(v));
  return (
    ok(scope.environments as readonly string[], t.environment) &&
    ok(scope.clusterIds, t.clusterId) &&
    ok(scope.serverIds, t.serverId) &&
    ok(scope.databases, t.database)
  );
}

/** Fills {{name}} placeholders; unknown names stay as they are. */
export function renderTemplate(template: string, vars: Record<string, string | number | null>) {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : v === null ? '' : String(v);
  });
}
