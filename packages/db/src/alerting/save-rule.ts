import { z } from 'zod';
import type { Queryable } from '../client';
import { SEVERITIES } from '../domain';
import { NotFoundError } from '../errors';
import { getRule, type RuleRow } from './rules';

const create = z.object({
  key: z.string().regex(/^[a-z0-9_.-]{1,100}$/, 'lower-case letters, digits, _ . -'),
  name: z.string().trim().min(1).max(200),
  probe: z.string().min(1),
  definition: z.record(z.string(), z.unknown()),
  defaultSeverity: z.enum(SEVERITIES).default('warning'),
  warning: z.number().nullable(),
  critical: z.number().nullable(),
  forSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400),
  enabled: z.boolean().default(true),
});
export type CreateCustomRuleInput = z.input<typeof create>;

/** Inserts a custom rule; the caller validated `definition` against the alerter's schema. */
export async function createCustomRule(
  db: Queryable,
  input: CreateCustomRuleInput,
): Promise<RuleRow> {
  const r = create.parse(input);
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO rules (key, name, kind, probe, definition, default_severity,
                        warning_threshold, critical_threshold, for_seconds, enabled)
     VALUES ($1, $2, 'custom', $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      r.key,
      r.name,
      r.probe,
      JSON.stringify(r.definition),
      r.defaultSeverity,
      r.warning,
      r.critical,
      r.forSeconds,
      r.enabled,
    ],
  );
  return getRule(db, row!.id);
}

/**
 * Replaces what a custom rule is (name, probe, definition, default severity), touching
 * `updated_at` only when one of them changed; the caller validated `definition`.
 */
export async function replaceCustomRuleDefinition(
  db: Queryable,
  id: number,
  r: Pick<CreateCustomRuleInput, 'name' | 'probe' | 'definition' | 'defaultSeverity'>,
): Promise<void> {
  await db.query(
    `UPDATE rules SET name = $2, probe = $3, definition = $4, default_severity = $5,
                      updated_at = now()
      WHERE id = $1 AND kind = 'custom'
        AND (name, probe, definition, default_severity) IS DISTINCT FROM ($2, $3, $4::jsonb, $5)`,
    [id, r.name, r.probe, JSON.stringify(r.definition), r.defaultSeverity ?? 'warning'],
  );
}

const update = z.object({
  id: z.number().int().positive(),
  enabled: z.boolean().optional(),
  warning: z.number().nullable().optional(),
  critical: z.number().nullable().optional(),
  forSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .optional(),
  /** firings in an hour past which a series is flapping; null = the default, 0 = off */
  flapLimit: z.number().int().min(0).max(60).nullable().optional(),
  /** parameters to set; a null removes one (back to the catalog default); others stay */
  params: z.record(z.string().min(1).max(100), z.number().finite().nullable()).optional(),
});
export type UpdateRuleInput = z.input<typeof update>;

/** Changes the global (default) tuning of a rule; absent fields stay as they are. */
export async function updateRule(db: Queryable, input: UpdateRuleInput): Promise<RuleRow> {
  const u = update.parse(input);
  const rows = await db.query<{ id: number }>(
    `UPDATE rules SET
        enabled = CASE WHEN $2 THEN $3 ELSE enabled END,
        warning_threshold = CASE WHEN $4 THEN $5 ELSE warning_threshold END,
        critical_threshold = CASE WHEN $6 THEN $7 ELSE critical_threshold END,
        for_seconds = CASE WHEN $8 THEN $9 ELSE for_seconds END,
        params = jsonb_strip_nulls(params || $10::jsonb),
        flap_limit = CASE WHEN $11 THEN $12 ELSE flap_limit END,
        updated_at = now()
      WHERE id = $1 RETURNING id`,
    [
      u.id,
      u.enabled !== undefined,
      u.enabled ?? null,
      u.warning !== undefined,
      u.warning ?? null,
      u.critical !== undefined,
      u.critical ?? null,
      u.forSeconds !== undefined,
      u.forSeconds ?? null,
      JSON.stringify(u.params ?? {}),
      u.flapLimit !== undefined,
      u.flapLimit ?? null,
    ],
  );
  if (rows.length === 0) throw new NotFoundError(`Rule ${u.id}`);
  return getRule(db, u.id);
}
