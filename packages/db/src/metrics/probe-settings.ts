import { SETTING_SOURCES } from '@pgvigil/schema';
import type { Queryable } from '../client';
import type { ProbeSettingScope } from '../domain';
import { NotFoundError, ValidationError } from '../errors';
import { listProbeSettingRows, type ProbeSettingRow } from './collector-state';

/** Where an effective value comes from: the probe's definition or an override at a scope. */
export { SETTING_SOURCES } from '@pgvigil/schema';
export type SettingSource = (typeof SETTING_SOURCES)[number];

/**
 * What the caller knows of a probe from its definition. packages/db does not
 * import packages/probes (the probes depend on nothing of ours but types), so the
 * web app passes the registry in.
 */
export interface ProbeDefaults {
  name: string;
  intervalSeconds: number;
  retentionDays: number;
}

export interface Sourced<T> {
  value: T;
  source: SettingSource;
}

export interface ProbeSettingOverride {
  enabled: boolean | null;
  intervalSeconds: number | null;
  retentionDays: number | null;
}

export interface EffectiveProbeSetting {
  probe: string;
  enabled: Sourced<boolean>;
  intervalSeconds: Sourced<number>;
  /** per probe table for every server: only a global override applies */
  retentionDays: Sourced<number>;
  /** the row at the asked scope itself (null: nothing set there, all inherited) */
  override: ProbeSettingOverride | null;
}

export interface ProbeSettingTarget {
  scope: ProbeSettingScope;
  /** cluster or server id; null for global */
  scopeId: number | null;
}

export const RETENTION_GLOBAL_ONLY =
  'Retention can only be set globally: a probe keeps one table whose daily partitions hold every server, so a per-cluster or per-server retention could never be applied.';

/** The scopes a target inherits from, most specific first; 404 for an unknown cluster or server. */
async function chainOf(q: Queryable, t: ProbeSettingTarget): Promise<ProbeSettingTarget[]> {
  if (t.scope === 'global') return [{ scope: 'global', scopeId: null }];
  if (t.scopeId === null)
    throw new ValidationError(`A ${t.scope} scope needs an id`, { id: 'required' });
  if (t.scope === 'cluster') {
    const rows = await q.query('SELECT 1 FROM clusters WHERE id = $1', [t.scopeId]);
    if (!rows[0]) throw new NotFoundError(`Cluster ${t.scopeId}`);
    return [t, { scope: 'global', scopeId: null }];
  }
  const rows = await q.query<{ clusterId: number | null }>(
    'SELECT cluster_id AS "clusterId" FROM servers WHERE id = $1',
    [t.scopeId],
  );
  if (!rows[0]) throw new NotFoundError(`Server ${t.scopeId}`);
  const clusterId = rows[0].clusterId === null ? null : Number(rows[0].clusterId);
  return [
    t,
    ...(clusterId === null ? [] : [{ scope: 'cluster' as const, scopeId: clusterId }]),
    { scope: 'global', scopeId: null },
  ];
}

const sameScope = (r: ProbeSettingRow, t: ProbeSettingTarget) =>
  r.scopeType === t.scope && (r.scopeId === null ? null : Number(r.scopeId)) === t.scopeId;

/** Each probe's effective enabled/interval/retention at a scope and which level set it. */
export async function listEffectiveProbeSettings(
  q: Queryable,
  target: ProbeSettingTarget,
  probes: readonly ProbeDefaults[],
): Promise<EffectiveProbeSetting[]> {
  const chain = await chainOf(q, target);
  const rows = await listProbeSettingRows(q);
  return probes.map((p) => {
    const mine = chain.map((t) => rows.find((r) => r.probe === p.name && sameScope(r, t)));
    const pick = <K extends keyof ProbeSettingOverride>(
      key: K,
      fallback: NonNullable<ProbeSettingOverride[K]>,
    ): Sourced<NonNullable<ProbeSettingOverride[K]>> => {
      for (const [i, r] of mine.entries()) {
        const v = r?.[key];
        if (v !== null && v !== undefined) return { value: v, source: chain[i]!.scope };
      }
      return { value: fallback, source: 'default' };
    };
    const own = mine[0];
    return {
      probe: p.name,
      enabled: pick('enabled', true),
      intervalSeconds: pick('intervalSeconds', p.intervalSeconds),
      retentionDays: pick('retentionDays', p.retentionDays),
      override: own
        ? {
            enabled: own.enabled,
            intervalSeconds: own.intervalSeconds,
            retentionDays: own.retentionDays,
          }
        : null,
    };
  });
}

/**
 * Replaces the override of one probe at one scope (null fields inherit). An
 * override with every field null is removed. Returns the previous override.
 */
export async function setProbeSetting(
  q: Queryable,
  probe: string,
  target: ProbeSettingTarget,
  value: ProbeSettingOverride,
  at: Date,
): Promise<ProbeSettingOverride | null> {
  // Checked here for the message: the client maps the CHECK of migration 0202 (the
  // backstop) to a ValidationError that names only the constraint.
  if (target.scope !== 'global' && value.retentionDays !== null) {
    throw new ValidationError(RETENTION_GLOBAL_ONLY, { retentionDays: RETENTION_GLOBAL_ONLY });
  }
  await chainOf(q, target);
  if (value.enabled === null && value.intervalSeconds === null && value.retentionDays === null) {
    return clearProbeSetting(q, probe, target);
  }
  const previous = await readOverride(q, probe, target);
  await q.query(
    `INSERT INTO probe_settings (probe, scope_type, scope_id, enabled, interval_seconds, retention_days, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (probe, scope_type, coalesce(scope_id, 0)) DO UPDATE SET
         enabled = EXCLUDED.enabled, interval_seconds = EXCLUDED.interval_seconds,
         retention_days = EXCLUDED.retention_days, updated_at = EXCLUDED.updated_at`,
    [
      probe,
      target.scope,
      target.scopeId,
      value.enabled,
      value.intervalSeconds,
      value.retentionDays,
      at,
    ],
  );
  return previous;
}

/** Removes the override of one probe at one scope: it inherits again. Returns what was removed. */
export async function clearProbeSetting(
  q: Queryable,
  probe: string,
  target: ProbeSettingTarget,
): Promise<ProbeSettingOverride | null> {
  await chainOf(q, target);
  const rows = await q.query<ProbeSettingOverride & Record<string, unknown>>(
    `DELETE FROM probe_settings WHERE probe = $1 AND scope_type = $2 AND coalesce(scope_id, 0) = coalesce($3::bigint, 0)
     RETURNING enabled, interval_seconds AS "intervalSeconds", retention_days AS "retentionDays"`,
    [probe, target.scope, target.scopeId],
  );
  return rows[0] ?? null;
}

async function readOverride(
  q: Queryable,
  probe: string,
  target: ProbeSettingTarget,
): Promise<ProbeSettingOverride | null> {
  const rows = await q.query<ProbeSettingOverride & Record<string, unknown>>(
    `SELECT enabled, interval_seconds AS "intervalSeconds", retention_days AS "retentionDays"
       FROM probe_settings WHERE probe = $1 AND scope_type = $2 AND coalesce(scope_id, 0) = coalesce($3::bigint, 0)`,
    [probe, target.scope, target.scopeId],
  );
  return rows[0] ?? null;
}
