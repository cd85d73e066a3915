import {
  BUILTIN_BY_KEY,
  overrideOf,
  paramProblems,
  resolveOverrides,
  ruleTuning,
} from '@pgvigil/alerting';
import { OVERRIDE_SCOPES, ValidationError } from '@pgvigil/db';
import { getRule, listAlertTargets, listOverrides, setOverride } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

/**
 * GET: the rule's overrides; with ?server=<id>[&database=<name>] also the
 * effective values there and the level each comes from.
 */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const rule = await getRule(db(), idParam(params.id, 'Rule'));
  const overrides = await listOverrides(db(), rule.id);
  const search = new URL(request.url).searchParams;
  const serverId = search.get('server');
  if (!serverId) return NextResponse.json({ overrides });
  const server = (await listAlertTargets(db())).find((t) => String(t.id) === serverId);
  if (!server) throw new ValidationError('Unknown server', { server: 'no such enabled server' });
  const effective = resolveOverrides(
    ruleTuning(rule, BUILTIN_BY_KEY.get(rule.key)),
    overrides.map(overrideOf),
    {
      environment: server.environment,
      clusterId: server.cluster_id,
      serverId: server.id,
      databaseName: search.get('database'),
    },
  );
  return NextResponse.json({ overrides, effective });
});

const body = z
  .object({
    scopeType: z.enum(OVERRIDE_SCOPES),
    scopeId: z.number().int().positive().nullable().optional(),
    scopeValue: z.string().min(1).max(200).nullable().optional(),
    enabled: z.boolean().nullable().optional(),
    warning: z.number().nullable().optional(),
    critical: z.number().nullable().optional(),
    forSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .nullable()
      .optional(),
    /** rule parameters set at this scope; null or absent inherits */
    params: z.record(z.string(), z.number().nullable()).optional(),
  })
  .strict();

/** Creates or replaces the override at one scope; null values inherit. */
export const PUT = withAuth<{ id: string }>('editor', async ({ request, params, audit }) => {
  const ruleId = idParam(params.id, 'Rule');
  const rule = await getRule(db(), ruleId);
  const o = await readJson(request, body);
  const problems = paramProblems(BUILTIN_BY_KEY.get(rule.key), o.params ?? {});
  if (Object.keys(problems).length) throw new ValidationError('Invalid rule parameters', problems);
  const values = Object.fromEntries(
    Object.entries(o.params ?? {}).filter((e): e is [string, number] => e[1] !== null),
  );
  const override = await setOverride(db(), { ruleId, ...o, params: values });
  await audit('rule.override', 'rule', ruleId, { ...o });
  return NextResponse.json({ override });
});
export const POST = PUT;
