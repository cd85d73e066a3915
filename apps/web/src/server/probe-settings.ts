import { NotFoundError, ValidationError } from '@pgvigil/db';
import type { Queryable } from '@pgvigil/db';
import {
  listEffectiveProbeSettings,
  type EffectiveProbeSetting,
  type ProbeSettingTarget,
} from '@pgvigil/db/metrics';
import { getProbe, POOLER_PROBES, PROBES } from '@pgvigil/probes';

/** `?clusterId=` or `?serverId=` (not both), else global. */
export function targetOf(q: { clusterId?: number; serverId?: number }): ProbeSettingTarget {
  if (q.clusterId !== undefined && q.serverId !== undefined)
    throw new ValidationError('Give a cluster or a server, not both', {
      serverId: 'not with clusterId',
    });
  if (q.clusterId !== undefined) return { scope: 'cluster', scopeId: q.clusterId };
  if (q.serverId !== undefined) return { scope: 'server', scopeId: q.serverId };
  return { scope: 'global', scopeId: null };
}

/** 404 for a name the registry does not know: no row is written for a probe that never runs. */
export function knownProbe(name: string | undefined): string {
  if (!name || !(getProbe(name) ?? POOLER_PROBES.find((p) => p.name === name)))
    throw new NotFoundError(`Probe ${name ?? ''}`);
  return name;
}

/** PostgreSQL's probes, then the pooler's (run on servers of kind pgbouncer only). */
const ALL = [
  ...PROBES.map((p) => ({ ...p, target: 'postgresql' as const })),
  ...POOLER_PROBES.map((p) => ({ ...p, target: 'pgbouncer' as const })),
];

export type ProbeSettingView = EffectiveProbeSetting & {
  title: string;
  description: string;
  /** instance probes run once per server, database probes once per database */
  probeScope: 'instance' | 'database';
  /** what it runs on: a PostgreSQL server, or a PgBouncer's admin console */
  target: 'postgresql' | 'pgbouncer';
};

/** Every probe of the registry with its effective settings at a scope. */
export async function probeSettingsView(
  q: Queryable,
  target: ProbeSettingTarget,
): Promise<ProbeSettingView[]> {
  const effective = await listEffectiveProbeSettings(q, target, ALL);
  return effective.map((e, i) => {
    const p = ALL[i]!;
    return {
      ...e,
      title: p.title,
      description: p.description,
      probeScope: p.scope,
      target: p.target,
    };
  });
}
