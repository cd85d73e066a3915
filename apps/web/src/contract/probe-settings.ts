// What each probe does at a scope: enabled, interval and retention, with where each comes from.
import { PROBE_SETTING_SCOPES } from '@pgvigil/schema';
import { z } from 'zod';
import { id, nextCursor, pageQuery } from './common';
import { endpoint } from './endpoint';

const SETTING_SOURCES = ['default', ...PROBE_SETTING_SCOPES] as const;
const sourced = <V extends z.ZodType>(value: V) =>
  z.object({ value, source: z.enum(SETTING_SOURCES) });

export const probeSetting = z
  .object({
    probe: z.string(),
    enabled: sourced(z.boolean()),
    intervalSeconds: sourced(z.number().int()),
    retentionDays: sourced(z.number().int()),
    /** the row at the asked scope itself (null: everything inherited) */
    override: z
      .object({
        enabled: z.boolean().nullable(),
        intervalSeconds: z.number().int().nullable(),
        retentionDays: z.number().int().nullable(),
      })
      .nullable(),
    title: z.string(),
    description: z.string(),
    /** instance probes run once per server, database probes once per database */
    probeScope: z.enum(['instance', 'database']),
    /** what it runs on: a PostgreSQL server, or a PgBouncer's admin console (kind pgbouncer) */
    target: z.enum(['postgresql', 'pgbouncer']),
  })
  .meta({ id: 'ProbeSetting' });
export type ProbeSetting = z.output<typeof probeSetting>;

/** The scope: a cluster, a server, or neither (global). */
export const scopeQuery = z.object({
  clusterId: z.coerce.number().int().positive().optional(),
  serverId: z.coerce.number().int().positive().optional(),
});

export const listProbeSettings = endpoint({
  method: 'GET',
  path: '/probe-settings',
  access: 'viewer',
  tag: 'probe settings',
  summary: "Every probe's effective settings at a scope, each value with its source",
  description:
    'Scope: `?clusterId=` or `?serverId=` (at most one), else global. The most specific level wins, field by field (server > cluster > global > default); `source` says which. An unknown cluster or server is a 404.',
  query: pageQuery.extend(scopeQuery.shape),
  response: z.object({
    scope: z.enum(PROBE_SETTING_SCOPES),
    scopeId: id.nullable(),
    probes: z.array(probeSetting),
    nextCursor,
  }),
});

const probeParams = { probe: 'a probe name, e.g. `tables`' };

export const setProbeSetting = endpoint({
  method: 'PUT',
  path: '/probe-settings/{probe}',
  access: 'admin',
  tag: 'probe settings',
  summary: "Replaces the probe's override at the scope; null or absent fields inherit",
  description:
    '`intervalSeconds` 5..86400, `retentionDays` 1..3650 and only globally (a probe keeps one table for every server). The collector rereads settings every 5 s. Audited.',
  params: probeParams,
  query: scopeQuery,
  body: z.strictObject({
    enabled: z.boolean().nullable().optional(),
    intervalSeconds: z.number().int().min(5).max(86_400).nullable().optional(),
    retentionDays: z.number().int().min(1).max(3650).nullable().optional(),
  }),
  response: z.object({ setting: probeSetting }),
});

export const clearProbeSetting = endpoint({
  method: 'DELETE',
  path: '/probe-settings/{probe}',
  access: 'admin',
  tag: 'probe settings',
  summary: "Removes the probe's override at the scope: it inherits again",
  params: probeParams,
  query: scopeQuery,
  response: null,
});
