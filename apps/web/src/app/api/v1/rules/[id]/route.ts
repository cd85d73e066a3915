import { getRule, updateRule } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const GET = withAuth<{ id: string }>('viewer', async ({ params }) =>
  NextResponse.json({ rule: await getRule(db(), idParam(params.id, 'Rule')) }),
);

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
  })
  .strict();

/** Changes the global defaults of a rule (the "global" level of overrides). */
export const PATCH = withAuth<{ id: string }>('editor', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Rule');
  const changes = await readJson(request, body);
  const rule = await updateRule(db(), { id, ...changes });
  await audit('rule.update', 'rule', id, changes);
  return NextResponse.json({ rule });
});
