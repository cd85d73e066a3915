import { previewCustomRule, previewCustomRuleInput } from '@pgvigil/alerting';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

/**
 * What a custom rule (not saved yet) would have done over the last 24 hours of
 * stored samples: the loop's own condition and lifecycle, replayed per probe interval.
 */
export const POST = withAuth('editor', async ({ request, at }) => {
  const input = await readJson(request, previewCustomRuleInput);
  return NextResponse.json(await previewCustomRule({ db: db(), input, at }));
});
