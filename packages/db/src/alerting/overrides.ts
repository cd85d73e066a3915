import { z } from 'zod';
import type { Queryable } from '../client';
import { OVERRIDE_SCOPES, type OverrideScope } from '../domain';
import { NotFoundError, ValidationError } from '../errors';

export interface OverrideRow {
  id: number;
  rule_id: number;
  scope_type: OverrideScope;
  scope_id: number | null;
  scope_value: string | null;
  enabled: boolean | null;
  warning_threshold: number | null;
  critical_threshold: number | null;
  for_seconds: number | null;
  /** parameters set at this scope (name -> number); absent ones inherit */
  params: Record<string, number>;
  updated_at: Date;
}

const COLUMNS = `id, rule_id, scope_type, scope_id, scope_value, enabled, warning_threshold,
                 critical_threshold, for_seconds, params, updated_at`;

/** Overrides of one rule, or of every rule when ruleId is omitted (the loop). */
export async function listOverrides(db: Queryable, ruleId?: number): Promise<OverrideRow[]> {
  return db.query<OverrideRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM rule_overrides WHERE $1::bigint IS NULL OR rule_id = $1
      ORDER BY rule_id, scope_type, scope_id, scope_value`,
    [ruleId ?? null],
  );
}

const input = z
  .object({
    ruleId: z.number().int().positive(),
    scopeType: z.enum(OVERRIDE_SCOPES),
    scopeId: z.number().int().positive().nullable().default(null),
    scopeValue: z.string().min(1).max(200).nullable().default(null),
    enabled: z.boolean().nullable().default(null),
    warning: z.number().nullable().default(null),
    critical: z.number().nullable().default(null),
    forSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .nullable()
      .default(null),
    params: z.record(z.string().min(1).max(100), z.number().finite()).default({}),
  })
  .superRefine((o, ctx) => {
    const needsId = o.scopeType !== 'environment';
    const needsValue = o.scopeType === 'environment' || o.scopeType === 'database';
    if (needsId !== (o.scopeId !== null))
      ctx.addIssue({
        code: 'custom',
        path: ['scopeId'],
        message: `scopeId ${needsId ? 'is required' : 'must be empty'} for ${o.scopeType}`,
      });
    if (needsValue !== (o.scopeValue !== null))
      ctx.addIssue({
        code: 'custom',
        path: ['scopeValue'],
        message: `scopeValue ${needsValue ? 'is required' : 'must be empty'} for ${o.scopeType}`,
      });
  });
export type SetOverrideInput = z.input<typeof input>;

/** Creates or replaces the override of one rule at one scope. */
export async function setOverride(db: Queryable, raw: SetOverrideInput): Promise<OverrideRow> {
  const parsed = input.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      'Invalid override',
      Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])),
    );
  }
  const o = parsed.data;
  const [row] = await db.query<OverrideRow & Record<string, unknown>>(
    `INSERT INTO rule_overrides (rule_id, scope_type, scope_id, scope_value, enabled,
                                 warning_threshold, critical_threshold, for_seconds, params)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (rule_id, scope_type, coalesce(scope_id, 0), coalesce(scope_value, ''))
     DO UPDATE SET enabled = EXCLUDED.enabled, warning_threshold = EXCLUDED.warning_threshold,
                   critical_threshold = EXCLUDED.critical_threshold,
                   for_seconds = EXCLUDED.for_seconds, params = EXCLUDED.params,
                   updated_at = now()
     RETURNING ${COLUMNS}`,
    [
      o.ruleId,
      o.scopeType,
      o.scopeId,
      o.scopeValue,
      o.enabled,
      o.warning,
      o.critical,
      o.forSeconds,
      JSON.stringify(o.params),
    ],
  );
  return row!;
}

export async function deleteOverride(db: Queryable, ruleId: number, id: number): Promise<void> {
  const rows = await db.query(
    `DELETE FROM rule_overrides WHERE id = $1 AND rule_id = $2 RETURNING id`,
    [id, ruleId],
  );
  if (rows.length === 0) throw new NotFoundError(`Override ${id}`);
}
