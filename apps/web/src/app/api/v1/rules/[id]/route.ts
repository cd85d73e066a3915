import { BUILTIN_BY_KEY, paramProblems } from '@pgvigil/alerting';
import { ValidationError } from '@pgvigil/db';
import { getRule, updateRule } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** The rule, and its parameters (name, label, unit, default, minimum, global value). */
export const GET = withAuth<{ id: string }>('viewer', async ({ params }) => {
  const rule = await getRule(db(), idParam(params.id, 'Rule'));
  const parameters = Object.entries(BUILTIN_BY_KEY.get(rule.key)?.params ?? {}).map(
    ([name, p]) => ({ name, ...p, value: rule.params[name] ?? null }),
  );
  return NextResponse.json({ rule, parameters });
});

const body = z
  .object({
    enabled: z.boolean().optional(),
    warning: z.number().nullable().optional(),
    critical: z.number().nullable().optional(),
    forSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .optional(),
    /** rule parameters (bloat min_bytes...); null resets one to the catalog default */
    params: z.record(z.string(), z.number().nullable()).optional(),
  })
  .strict();

/** Changes the global defaults of a rule (the "global" level of overrides). */
export const PATCH = withAuth<{ id: string }>('editor', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Rule');
  const changes = await readJson(request, body);
  if (changes.params) {
    const problems = paramProblems(
      BUILTIN_BY_KEY.get((await getRule(db(), id)).key),
      changes.params,
    );
    if (Object.keys(problems).length)
      throw new ValidationError('Invalid rule parameters', problems);
  }
  const rule = await updateRule(db(), { id, ...changes });
  await audit('rule.update', 'rule', id, changes);
  return NextResponse.json({ rule });
});
