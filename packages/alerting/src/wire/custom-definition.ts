// Browser-safe (zod and @pgvigil/schema only): the API contract declares its request
// bodies with this shape, and the rule catalog stores it, so the two cannot drift.
import { AGGREGATIONS, ENVIRONMENTS, OPERATORS } from '@pgvigil/schema';
import { z } from 'zod';

const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier');
const ids = z.array(z.number().int().positive());

/** Scope filter of a custom rule: empty lists mean "everywhere". */
export const ruleScope = z
  .object({
    environments: z.array(z.enum(ENVIRONMENTS)).default([]),
    clusterIds: ids.default([]),
    serverIds: ids.default([]),
    databases: z.array(z.string().min(1)).default([]),
  })
  .default({ environments: [], clusterIds: [], serverIds: [], databases: [] });
export type RuleScope = z.infer<typeof ruleScope>;

/** What a custom rule judges: a probe column, reduced over a window, against thresholds. */
export const customDefinitionShape = z.strictObject({
  probe: identifier,
  column: identifier,
  objectKeys: z.array(identifier).max(4).default([]),
  aggregation: z.enum(AGGREGATIONS),
  windowSeconds: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400),
  operator: z.enum(OPERATORS),
  scope: ruleScope,
  /** {{value}}, {{threshold}}, {{severity}}, {{server}}, {{database}}, {{object}} */
  message: z.string().max(500).default('{{column}} is {{value}} ({{severity}} at {{threshold}})'),
});
