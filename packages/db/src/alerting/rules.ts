import { z } from 'zod';
import type { Queryable } from '../client';
import { RULE_KINDS, SEVERITIES, type RuleKind, type Severity } from '../domain';
import { NotFoundError } from '../errors';

export interface RuleRow {
  id: number;
  key: string;
  name: string;
  kind: RuleKind;
  probe: string | null;
  definition: Record<string, unknown>;
  default_severity: Severity;
  warning_threshold: number | null;
  critical_threshold: number | null;
  for_seconds: number;
  enabled: boolean;
  /** parameters set globally (name -> number); absent ones use the catalog default */
  params: Record<string, number>;
  updated_at: Date;
  /** why the rule could not be evaluated in its last failing cycle; null once it runs again */
  last_error: string | null;
  last_error_at: Date | null;
  /** objects the rule could not see in its last cycle, and what shows them; null when none */
  unavailable: string | null;
  /** firings in an hour past which a series is flapping; null = the default, 0 = off */
  flap_limit: number | null;
}

const builtin = z.object({
  key: z.string().regex(/^[a-z0-9_.-]{1,100}$/),
  name: z.string().min(1),
  kind: z.enum(RULE_KINDS),
  probe: z.string().min(1),
  definition: z.record(z.string(), z.unknown()),
  defaultSeverity: z.enum(SEVERITIES),
  warning: z.number().nullable(),
  critical: z.number().nullable(),
  forSeconds: z.number().int().min(0),
  enabled: z.boolean(),
});
export type BuiltinRuleInput = z.input<typeof builtin>;

/**
 * Makes the rules table hold every catalog rule. Name, probe and description follow
 * the catalog; thresholds, `for` and enablement are set once, since people tune them.
 */
export async function syncBuiltinRules(db: Queryable, input: BuiltinRuleInput[]): Promise<void> {
  const rules = z.array(builtin).parse(input);
  if (rules.length === 0) return;
  await db.query(
    `INSERT INTO rules (key, name, kind, probe, definition, default_severity,
                        warning_threshold, critical_threshold, for_seconds, enabled)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(key text, name text, kind text, probe text,
            definition jsonb, "defaultSeverity" text, warning double precision,
            critical double precision, "forSeconds" integer, enabled boolean)
     ON CONFLICT (key) DO UPDATE
       SET name = EXCLUDED.name, probe = EXCLUDED.probe, definition = EXCLUDED.definition,
           kind = EXCLUDED.kind, updated_at = now()
     WHERE (rules.name, rules.probe, rules.definition, rules.kind)
           IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.probe, EXCLUDED.definition, EXCLUDED.kind)`,
    [JSON.stringify(rules)],
  );
}

export async function listRules(db: Queryable): Promise<RuleRow[]> {
  return db.query<RuleRow & Record<string, unknown>>(
    `SELECT id, key, name, kind, probe, definition, default_severity, warning_threshold,
            critical_threshold, for_seconds, enabled, params, updated_at, last_error, last_error_at,
            unavailable, flap_limit
       FROM rules ORDER BY kind, key`,
  );
}

export async function getRule(db: Queryable, id: number): Promise<RuleRow> {
  const [row] = await db.query<RuleRow & Record<string, unknown>>(
    `SELECT id, key, name, kind, probe, definition, default_severity, warning_threshold,
            critical_threshold, for_seconds, enabled, params, updated_at, last_error, last_error_at,
            unavailable, flap_limit
       FROM rules WHERE id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError(`Rule ${id}`);
  return row;
}

/**
 * After a cycle: the rules that failed keep why (shown on the Rules page), the rules
 * that ran clear any earlier error. One statement, whatever the number of rules.
 */
export async function recordRuleOutcomes(
  db: Queryable,
  o: {
    at: Date;
    failed: { ruleId: number; error: string }[];
    ok: number[];
    /** rules evaluated but blind on some objects, and why */
    unavailable?: { ruleId: number; note: string }[];
  },
): Promise<void> {
  if (o.failed.length === 0 && o.ok.length === 0) return;
  await db.query(
    `UPDATE rules r
        SET last_error = f.error, last_error_at = $1
       FROM jsonb_to_recordset($2::jsonb) AS f("ruleId" bigint, error text)
      WHERE r.id = f."ruleId"`,
    [o.at, JSON.stringify(o.failed.map((f) => ({ ...f, error: f.error.slice(0, 1000) })))],
  );
  await db.query(
    `UPDATE rules SET last_error = NULL, last_error_at = NULL
      WHERE id = ANY($1::bigint[]) AND last_error IS NOT NULL`,
    [o.ok],
  );
  await db.query(
    `UPDATE rules r SET unavailable = u.note
       FROM (SELECT id, NULL::text AS note FROM unnest($1::bigint[]) AS id
              WHERE id <> ALL (SELECT (x->>'ruleId')::bigint FROM jsonb_array_elements($2::jsonb) x)
             UNION ALL
             SELECT (x->>'ruleId')::bigint, left(x->>'note', 2000) FROM jsonb_array_elements($2::jsonb) x) u
      WHERE r.id = u.id AND r.unavailable IS DISTINCT FROM u.note`,
    [o.ok, JSON.stringify(o.unavailable ?? [])],
  );
}
