import { backtestRule as replay } from '@pgvigil/alerting';
import { backtestRule } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/**
 * What the rule would have fired over the last `days` of stored history, with its
 * overrides and the blackouts: the loop's own condition and lifecycle, replayed.
 */
export const POST = withAuth<{ id: string }>('editor', async ({ request, params, at }) => {
  const ruleId = idParam(params.id, 'Rule');
  const input = await readBody(request, backtestRule);
  return reply(backtestRule, await replay({ db: db(), ruleId, input, at }));
});
