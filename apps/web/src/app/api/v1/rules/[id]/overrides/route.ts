import { BUILTIN_BY_KEY, paramProblems } from '@pgvigil/alerting';
import { ValidationError } from '@pgvigil/db';
import {
  getRule,
  listOverrides as readOverrides,
  setOverride as writeOverride,
} from '@pgvigil/db/alerting';
import { listOverrides, setOverride } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { overrideView } from '@/server/alerting-views';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** The rule's overrides; its effective values on a server are under /effective. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const rule = await getRule(db(), idParam(params.id, 'Rule'));
  const page = pageOf(await readOverrides(db(), rule.id), readQuery(request, listOverrides));
  return reply(listOverrides, {
    overrides: page.items.map(overrideView),
    nextCursor: page.nextCursor,
  });
});

/** Creates or replaces the override at one scope; null values inherit. */
export const PUT = withAuth<{ id: string }>('editor', async ({ request, params, audit }) => {
  const ruleId = idParam(params.id, 'Rule');
  const rule = await getRule(db(), ruleId);
  const o = await readBody(request, setOverride);
  const problems = paramProblems(BUILTIN_BY_KEY.get(rule.key), o.params ?? {});
  if (Object.keys(problems).length) throw new ValidationError('Invalid rule parameters', problems);
  const values = Object.fromEntries(
    Object.entries(o.params ?? {}).filter((e): e is [string, number] => e[1] !== null),
  );
  const override = await writeOverride(db(), { ruleId, ...o, params: values });
  await audit('rule.override', 'rule', ruleId, { ...o });
  return reply(setOverride, { override: overrideView(override) });
});
