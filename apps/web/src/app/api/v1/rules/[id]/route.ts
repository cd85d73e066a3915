import { BUILTIN_BY_KEY, paramProblems } from '@pgvigil/alerting';
import { ValidationError } from '@pgvigil/db';
import { getRule as readRule, updateRule as writeRule } from '@pgvigil/db/alerting';
import { getRule, updateRule } from '@/contract';
import { readBody, reply } from '@/server/api';
import { ruleView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** The rule, and its parameters (name, label, unit, default, minimum, global value). */
export const GET = withAuth<{ id: string }>('viewer', async ({ params }) => {
  const rule = await readRule(db(), idParam(params.id, 'Rule'));
  const parameters = Object.entries(BUILTIN_BY_KEY.get(rule.key)?.params ?? {}).map(
    ([name, p]) => ({ name, ...p, value: rule.params[name] ?? null }),
  );
  return reply(getRule, { rule: ruleView(rule), parameters });
});

/** Changes the global defaults of a rule (the "global" level of overrides). */
export const PATCH = withAuth<{ id: string }>('editor', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Rule');
  const changes = await readBody(request, updateRule);
  if (changes.params) {
    const problems = paramProblems(
      BUILTIN_BY_KEY.get((await readRule(db(), id)).key),
      changes.params,
    );
    if (Object.keys(problems).length)
      throw new ValidationError('Invalid rule parameters', problems);
  }
  const rule = await writeRule(db(), { id, ...changes });
  await audit('rule.update', 'rule', id, changes);
  return reply(updateRule, { rule: ruleView(rule) });
});
