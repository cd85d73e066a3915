import { customDefinition } from '@pgvigil/alerting';
import { createCustomRule, listRules as readRules } from '@pgvigil/db/alerting';
import { ValidationError } from '@pgvigil/db';
import { createRule, listRules } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { ruleView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const GET = withAuth('viewer', async ({ request }) => {
  const page = pageOf(await readRules(db()), readQuery(request, listRules));
  return reply(listRules, { rules: page.items.map(ruleView), nextCursor: page.nextCursor });
});

/** Creates a custom rule on any probe column; its key is stored as "custom.<key>". */
export const POST = withAuth('editor', async ({ request, audit }) => {
  const b = await readBody(request, createRule);
  const warning = b.warning ?? null;
  const critical = b.critical ?? null;
  if (warning === null && critical === null)
    throw new ValidationError('The request is not valid', {
      warning: 'give a warning or a critical threshold',
    });
  const definition = parseOr400(customDefinition, b.definition);
  const rule = await createCustomRule(db(), {
    key: `custom.${b.key}`,
    name: b.name,
    probe: definition.probe,
    definition,
    defaultSeverity: b.severity ?? 'warning',
    warning,
    critical,
    forSeconds: b.forSeconds ?? 300,
    enabled: b.enabled ?? true,
  });
  await audit('rule.create', 'rule', rule.id, { key: rule.key });
  return reply(createRule, { rule: ruleView(rule) });
});
