import { customRuleFields, requireALevel, requireALevelProblem } from '@pgvigil/alerting';
import { SEVERITIES } from '@pgvigil/db';
import { createCustomRule, listRules } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

export const GET = withAuth('viewer', async () =>
  NextResponse.json({ rules: await listRules(db()) }),
);

const body = z
  .object({
    key: z.string().regex(/^[a-z0-9_.-]{1,90}$/, 'lower-case letters, digits, _ . -'),
    name: z.string().trim().min(1).max(200),
    ...customRuleFields,
    severity: z.enum(SEVERITIES).default('warning'),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine(requireALevel, requireALevelProblem);

/** Creates a custom rule on any probe column; its key is stored as "custom.<key>". */
export const POST = withAuth('editor', async ({ request, audit }) => {
  const b = await readJson(request, body);
  const rule = await createCustomRule(db(), {
    key: `custom.${b.key}`,
    name: b.name,
    probe: b.definition.probe,
    definition: b.definition,
    defaultSeverity: b.severity,
    warning: b.warning,
    critical: b.critical,
    forSeconds: b.forSeconds,
    enabled: b.enabled,
  });
  await audit('rule.create', 'rule', rule.id, { key: rule.key });
  return NextResponse.json({ rule }, { status: 201 });
});
