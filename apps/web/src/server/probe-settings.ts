import { NotFoundError } from '@pgvigil/db';
import type { Queryable } from '@pgvigil/db';
import { PROBE_SETTING_SCOPES } from '@pgvigil/schema';
import {
  listEffectiveProbeSettings,
  type EffectiveProbeSetting,
  type ProbeSettingTarget,
} from '@pgvigil/db/metrics';
import { getProbe, PROBES } from '@pgvigil/probes';
import { z } from 'zod';
import { parseOr400 } from './validate';

const id = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a positive integer')
  .transform(Number);

/** `?scope=global|cluster|server&id=N`: an id for cluster and server, none for global. */
export const scopeQuery = z
  .object({ scope: z.enum(PROBE_SETTING_SCOPES).default('global'), id: id.optional() })
  .refine((q) => (q.scope === 'global') === (q.id === undefined), {
    message: 'cluster and server scopes need an id; global takes none',
    path: ['id'],
  });

export function targetOf(request: Request): ProbeSettingTarget {
  const q = parseOr400(scopeQuery, Object.fromEntries(new URL(request.url).searchParams));
  return { scope: q.scope, scopeId: q.id ?? null };
}

/** The whole override at one scope; a null or absent field inherits. */
export const probeSettingBody = z
  .object({
    enabled: z.boolean().nullable().default(null),
    intervalSeconds: z.number().int().min(5).max(86_400).nullable().default(null),
    retentionDays: z.number().int().min(1).max(3650).nullable().default(null),
  })
  .strict();

/** 404 for a name the registry does not know: no row is written for a probe that never runs. */
export function knownProbe(name: string | undefined): string {
  if (!name || !getProbe(name)) throw new NotFoundError(`Probe ${name ?? ''}`);
  return name;
}

export type ProbeSettingView = EffectiveProbeSetting & {
  title: string;
  description: string;
  /** instance probes run once per server, database probes once per database */
  probeScope: 'instance' | 'database';
};

/** Every probe of the registry with its effective settings at a scope. */
export async function probeSettingsView(
  q: Queryable,
  target: ProbeSettingTarget,
): Promise<ProbeSettingView[]> {
  const effective = await listEffectiveProbeSettings(q, target, PROBES);
  return effective.map((e, i) => {
    const p = PROBES[i]!;
    return { ...e, title: p.title, description: p.description, probeScope: p.scope };
  });
}
