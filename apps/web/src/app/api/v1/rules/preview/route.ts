import { previewCustomRule, previewCustomRuleInput } from '@pgvigil/alerting';
import { previewRule } from '@/contract';
import { readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

/**
 * What a custom rule (not saved yet) would have done over the last 24 hours of
 * stored samples: the loop's own condition and lifecycle, replayed per probe interval.
 */
export const POST = withAuth('editor', async ({ request, at }) => {
  const input = parseOr400(previewCustomRuleInput, await readBody(request, previewRule));
  return reply(previewRule, await previewCustomRule({ db: db(), input, at }));
});
