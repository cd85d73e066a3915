// The configuration of an install as one versioned JSON document: the registry,
// rules (custom ones and the tuning of built-in ones), overrides, blackouts, channels,
// escalation policies, routes and probe settings. Everything refers to everything
// else by name, never by id, so the document moves between datastores. Secrets travel
// only sealed to a passphrase (scrypt + AES-256-GCM, scripts/lib/passphrase-seal.ts).
import { CHANNEL_CONFIGS, CHANNEL_SECRET_CONTEXT, customDefinition } from '@pgvigil/alerting';
import {
  BLACKOUT_SCOPES,
  CHANNEL_TYPES,
  OVERRIDE_SCOPES,
  PROBE_SETTING_SCOPES,
  RULE_KINDS,
  SEALED_COLUMNS,
  SEVERITIES,
  type Queryable,
  type SecretBox,
} from '@pgvigil/db';
import {
  createBlackout,
  createChannel,
  createCustomRule,
  createEscalationPolicy,
  createRoute,
  listBlackouts,
  listChannels,
  listChannelsWithSecrets,
  listEscalationPolicies,
  listOverrides,
  listRoutes,
  listRules,
  replaceBlackoutSchedule,
  replaceChannel,
  replaceCustomRuleDefinition,
  routeMatch,
  routeTiming,
  setOverride,
  updateEscalationPolicy,
  updateRoute,
  updateRule,
} from '@pgvigil/db/alerting';
import { listProbeSettingRows } from '@pgvigil/db/metrics';
import {
  applyRegistry,
  exportRegistry,
  listClusters,
  listSealedServerSecrets,
  listServers,
  registryDocumentSchema,
} from '@pgvigil/db/registry';
import { setProbeSetting } from '@pgvigil/db/metrics';
import { z } from 'zod';
import { openWithPassphrase, sealedSchema, sealToPassphrase } from '../lib/passphrase-seal';

const name = z.string().trim().min(1).max(200);
const params = z.record(z.string().min(1).max(100), z.number().finite());

const ruleSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9_.-]{1,100}$/),
  kind: z.enum(RULE_KINDS),
  name,
  probe: z.string().min(1).nullable(),
  /** custom rules only: built-in definitions come from the catalog of the running version */
  definition: z.record(z.string(), z.unknown()).nullable().default(null),
  defaultSeverity: z.enum(SEVERITIES),
  warning: z.number().nullable(),
  critical: z.number().nullable(),
  forSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400),
  enabled: z.boolean(),
  params: params.default({}),
});

const overrideSchema = z.strictObject({
  rule: z.string().min(1),
  scopeType: z.enum(OVERRIDE_SCOPES),
  /** the cluster or server name (for 'database': the server); null for 'environment' */
  scope: name.nullable(),
  /** the environment, or the database name for 'database' */
  scopeValue: z.string().min(1).max(200).nullable(),
  enabled: z.boolean().nullable(),
  warning: z.number().nullable(),
  critical: z.number().nullable(),
  forSeconds: z.number().int().min(0).nullable(),
  params: params.default({}),
});

const blackoutSchema = z.strictObject({
  name,
  scopeType: z.enum(BLACKOUT_SCOPES),
  /** the cluster or server name (for 'database': the server); null for 'global' */
  scope: name.nullable(),
  databaseName: z.string().min(1).nullable(),
  cron: z.string().min(1).max(200).nullable(),
  durationMinutes: z.number().int().positive().nullable(),
  timezone: z.string().min(1),
  startsAt: z.iso.datetime({ offset: true }).nullable(),
  endsAt: z.iso.datetime({ offset: true }).nullable(),
  enabled: z.boolean(),
});

const channelSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  type: z.enum(CHANNEL_TYPES),
  /** what may be shown; the sealed part travels in `secrets` */
  config: z.record(z.string(), z.unknown()),
  minSeverity: z.enum(SEVERITIES),
  filters: z.strictObject({
    clusters: z.array(name).optional(),
    environments: z.array(z.string()).optional(),
  }),
  enabled: z.boolean(),
});

const escalationSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  steps: z
    .array(
      z.strictObject({
        channels: z.array(z.string().min(1)).min(1),
        waitMinutes: z.number().int().min(1).max(10_080),
      }),
    )
    .min(1)
    .max(20),
  repeat: z.boolean(),
});

const routeSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  match: routeMatch.omit({ clusterIds: true }).extend({ clusters: z.array(name).optional() }),
  channels: z.array(z.string().min(1)).min(1),
  continue: z.boolean(),
  enabled: z.boolean(),
  escalation: z.string().min(1).nullable(),
  // documents exported before routes had their own timing have none: the defaults
  groupWaitSeconds: routeTiming.groupWaitSeconds.default(null),
  groupIntervalSeconds: routeTiming.groupIntervalSeconds.default(null),
  repeatIntervalSeconds: routeTiming.repeatIntervalSeconds.default(null),
});

const probeSettingSchema = z.strictObject({
  probe: z.string().min(1).max(100),
  scope: z.enum(PROBE_SETTING_SCOPES),
  /** cluster or server name; null for global */
  target: name.nullable(),
  enabled: z.boolean().nullable(),
  intervalSeconds: z.number().int().positive().nullable(),
  retentionDays: z.number().int().positive().nullable(),
});

export const configDocumentSchema = z.strictObject({
  format: z.literal('pgvigil-config'),
  version: z.literal(1),
  exportedAt: z.string().optional(),
  clusters: registryDocumentSchema.shape.clusters,
  servers: registryDocumentSchema.shape.servers,
  rules: z.array(ruleSchema).default([]),
  overrides: z.array(overrideSchema).default([]),
  blackouts: z.array(blackoutSchema).default([]),
  channels: z.array(channelSchema).default([]),
  escalations: z.array(escalationSchema).default([]),
  routes: z.array(routeSchema).default([]),
  probeSettings: z.array(probeSettingSchema).default([]),
  /** sealed to a passphrase; null when exported without --with-secrets */
  secrets: sealedSchema.nullable().default(null),
});
export type ConfigDocument = z.output<typeof configDocumentSchema>;

/** What the sealed `secrets` hold, by server and channel name. */
const secretsSchema = z.strictObject({
  servers: z.record(
    z.string(),
    z.strictObject({
      password: z.string().optional(),
      sslKey: z.string().optional(),
      sshPrivateKey: z.string().optional(),
      sshPassphrase: z.string().optional(),
    }),
  ),
  channels: z.record(z.string(), z.record(z.string(), z.unknown())),
});
type Secrets = z.output<typeof secretsSchema>;

/** A problem in the file, named by its path in the document (`routes[2].channels[0]`). */
export class ConfigFileError extends Error {}

const pathOf = (path: readonly PropertyKey[]) =>
  path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${typeof p === 'symbol' ? '?' : p}`,
    )
    .join('') || '(document)';

export function parseConfigDocument(input: unknown): ConfigDocument {
  const parsed = configDocumentSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigFileError(
    parsed.error.issues
      .slice(0, 20)
      .map((i) => `${pathOf(i.path)}: ${i.message}`)
      .join('\n'),
  );
}

const key = (s: string) => s.toLowerCase();
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function opener(box: SecretBox, context: string) {
  return (sealed: string | null) => (sealed ? box.open(sealed, context) : undefined);
}
const contextOf = (table: string, column: string) =>
  SEALED_COLUMNS.find((c) => c.table === table && c.column === column)!.context;

/** The secrets of the datastore in the clear, by name (only to be sealed at once). */
async function readSecrets(q: Queryable, box: SecretBox): Promise<Secrets> {
  const rows = await listSealedServerSecrets(q);
  const servers: Secrets['servers'] = {};
  for (const r of rows) {
    const s = {
      password: opener(box, contextOf('servers', 'password_enc'))(r.password_enc),
      sslKey: opener(box, contextOf('servers', 'ssl_key_enc'))(r.ssl_key_enc),
      sshPrivateKey: opener(
        box,
        contextOf('servers', 'ssh_private_key_enc'),
      )(r.ssh_private_key_enc),
      sshPassphrase: opener(box, contextOf('servers', 'ssh_passphrase_enc'))(r.ssh_passphrase_enc),
    };
    const set = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length) servers[r.name] = set;
  }
  const channels: Secrets['channels'] = {};
  for (const c of await listChannelsWithSecrets(q))
    if (c.secret_enc)
      channels[c.name] = JSON.parse(box.open(c.secret_enc, CHANNEL_SECRET_CONTEXT)) as Record<
        string,
        unknown
      >;
  return { servers, channels };
}

type Scope = { clusterIds?: number[]; serverIds?: number[] };
type NamedScope = { clusters?: string[]; servers?: string[] };

/** A custom rule's scope names its clusters and servers, so it moves between datastores. */
function portableScope(
  definition: Record<string, unknown>,
  clusterName: Map<number, string>,
  serverName: Map<number, string>,
): Record<string, unknown> {
  const { clusterIds = [], serverIds = [], ...rest } = (definition.scope ?? {}) as Scope;
  if (!definition.scope) return definition;
  return {
    ...definition,
    scope: {
      ...rest,
      clusters: clusterIds.map((id) => clusterName.get(Number(id)) ?? `#${id}`),
      servers: serverIds.map((id) => serverName.get(Number(id)) ?? `#${id}`),
    },
  };
}

/** The document of the datastore as it is; `secrets` is filled by exportConfig. */
async function readConfig(q: Queryable): Promise<ConfigDocument> {
  // one after the other: q may be a transaction's single session
  const registry = await exportRegistry(q);
  const clusters = await listClusters(q);
  const servers = await listServers(q);
  const rules = await listRules(q);
  const overrides = await listOverrides(q);
  const blackouts = await listBlackouts(q);
  const channels = await listChannels(q);
  const policies = await listEscalationPolicies(q);
  const routes = await listRoutes(q);
  const probeRows = await listProbeSettingRows(q);
  const clusterName = new Map(clusters.map((c) => [Number(c.id), c.name]));
  const serverName = new Map(servers.map((s) => [Number(s.id), s.name]));
  const channelName = new Map(channels.map((c) => [Number(c.id), c.name]));
  const policyName = new Map(policies.map((p) => [Number(p.id), p.name]));
  const ruleKey = new Map(rules.map((r) => [Number(r.id), r.key]));
  const nameOf = (map: Map<number, string>, id: number | null) =>
    id === null ? null : (map.get(Number(id)) ?? `#${id}`);
  const scopeName = (type: string, id: number | null) =>
    type === 'cluster' ? nameOf(clusterName, id) : nameOf(serverName, id);
  const byName = <T extends { name: string }>(a: T, b: T) => key(a.name).localeCompare(key(b.name));
  return {
    format: 'pgvigil-config',
    version: 1,
    clusters: registry.clusters,
    servers: registry.servers,
    rules: rules.map((r) => ({
      key: r.key,
      kind: r.kind,
      name: r.name,
      probe: r.probe,
      definition: r.kind === 'custom' ? portableScope(r.definition, clusterName, serverName) : null,
      defaultSeverity: r.default_severity,
      warning: r.warning_threshold,
      critical: r.critical_threshold,
      forSeconds: r.for_seconds,
      enabled: r.enabled,
      params: r.params,
    })),
    overrides: overrides.map((o) => ({
      rule: nameOf(ruleKey, o.rule_id)!,
      scopeType: o.scope_type,
      scope: o.scope_type === 'environment' ? null : scopeName(o.scope_type, o.scope_id),
      scopeValue: o.scope_value,
      enabled: o.enabled,
      warning: o.warning_threshold,
      critical: o.critical_threshold,
      forSeconds: o.for_seconds,
      params: o.params,
    })),
    blackouts: blackouts.map((b) => ({
      name: b.name,
      scopeType: b.scope_type,
      scope: b.scope_type === 'global' ? null : scopeName(b.scope_type, b.scope_id),
      databaseName: b.database_name,
      cron: b.cron,
      durationMinutes: b.duration_minutes,
      timezone: b.timezone,
      startsAt: iso(b.starts_at),
      endsAt: iso(b.ends_at),
      enabled: b.enabled,
    })),
    channels: channels.sort(byName).map((c) => ({
      name: c.name,
      type: c.type,
      config: c.config,
      minSeverity: c.min_severity,
      filters: {
        ...(c.filters.clusterIds
          ? { clusters: c.filters.clusterIds.map((id) => nameOf(clusterName, id)!) }
          : {}),
        ...(c.filters.environments ? { environments: c.filters.environments } : {}),
      },
      enabled: c.enabled,
    })),
    escalations: policies.sort(byName).map((p) => ({
      name: p.name,
      steps: p.steps.map((s) => ({
        channels: s.channelIds.map((id) => nameOf(channelName, id)!),
        waitMinutes: s.waitMinutes,
      })),
      repeat: p.repeat,
    })),
    routes: routes.map((r) => {
      const { clusterIds, ...match } = r.match;
      return {
        name: r.name,
        match: {
          ...match,
          ...(clusterIds ? { clusters: clusterIds.map((id) => nameOf(clusterName, id)!) } : {}),
        },
        channels: r.channel_ids.map((id) => nameOf(channelName, id)!),
        continue: r.continue,
        enabled: r.enabled,
        escalation: nameOf(policyName, r.escalation_id),
        groupWaitSeconds: r.group_wait_seconds,
        groupIntervalSeconds: r.group_interval_seconds,
        repeatIntervalSeconds: r.repeat_interval_seconds,
      };
    }),
    probeSettings: probeRows
      .map((p) => ({
        probe: p.probe,
        scope: p.scopeType,
        target: p.scopeType === 'global' ? null : scopeName(p.scopeType, p.scopeId),
        enabled: p.enabled,
        intervalSeconds: p.intervalSeconds,
        retentionDays: p.retentionDays,
      }))
      .sort((a, b) =>
        `${a.probe}/${a.scope}/${a.target ?? ''}`.localeCompare(
          `${b.probe}/${b.scope}/${b.target ?? ''}`,
        ),
      ),
    secrets: null,
  };
}

export async function exportConfig(
  q: Queryable,
  box: SecretBox,
  passphrase: string | null,
): Promise<ConfigDocument> {
  const doc = await readConfig(q);
  const secrets = passphrase
    ? await sealToPassphrase(JSON.stringify(await readSecrets(q, box)), passphrase)
    : null;
  return { ...doc, exportedAt: new Date().toISOString(), secrets };
}

/** Opens a document's secrets; null when it carries none. */
export async function openSecrets(
  doc: ConfigDocument,
  passphrase: string | null,
): Promise<Secrets | null> {
  if (!doc.secrets) return null;
  if (!passphrase)
    throw new ConfigFileError(
      'secrets: the file carries sealed secrets; give the passphrase (prompt or PGVIGIL_EXPORT_PASSPHRASE), or --without-secrets to keep the stored ones',
    );
  const opened = secretsSchema.safeParse(
    JSON.parse(await openWithPassphrase(doc.secrets, passphrase)),
  );
  if (!opened.success) throw new ConfigFileError('secrets: not the secrets of a pgvigil export');
  return opened.data;
}

/** Resolves a name to an id, or fails naming the place in the file. */
function resolver(kind: string, entries: { id: number; name: string }[]) {
  const ids = new Map(entries.map((e) => [key(e.name), Number(e.id)]));
  return (value: string, path: string) => {
    const id = ids.get(key(value));
    if (id === undefined)
      throw new ConfigFileError(
        `${path}: no ${kind} named "${value}" in the file or the datastore`,
      );
    return id;
  };
}

/** Applies a document inside the caller's transaction: creates or updates by name. */
export async function applyConfig(
  q: Queryable,
  box: SecretBox,
  doc: ConfigDocument,
  secrets: Secrets | null,
): Promise<void> {
  await applyRegistry(q, box, {
    version: 1,
    clusters: doc.clusters,
    servers: doc.servers.map((s) => {
      const sec = secrets?.servers[s.name];
      if (!sec) return s;
      return {
        ...s,
        ...(sec.password !== undefined ? { password: sec.password } : {}),
        ...(sec.sslKey !== undefined ? { sslKey: sec.sslKey } : {}),
        ...(s.ssh
          ? {
              ssh: {
                ...s.ssh,
                ...(sec.sshPrivateKey !== undefined ? { privateKey: sec.sshPrivateKey } : {}),
                ...(sec.sshPassphrase !== undefined ? { passphrase: sec.sshPassphrase } : {}),
              },
            }
          : {}),
      };
    }),
  });
  const cluster = resolver('cluster', await listClusters(q));
  const server = resolver('server', await listServers(q));
  const scopeId = (type: string, value: string | null, path: string) => {
    if (value === null) return null;
    return type === 'cluster' ? cluster(value, path) : server(value, path);
  };
  /** A custom rule's definition with ids again, checked as the API checks it. */
  const customOf = (r: ConfigDocument['rules'][number], i: number) => {
    const at = `rules[${i}].definition`;
    const def = r.definition ?? {};
    const named = def.scope as (NamedScope & Record<string, unknown>) | undefined;
    let withIds = def;
    if (named) {
      const { clusters = [], servers = [], ...rest } = named;
      withIds = {
        ...def,
        scope: {
          ...rest,
          clusterIds: clusters.map((n, j) => cluster(n, `${at}.scope.clusters[${j}]`)),
          serverIds: servers.map((n, j) => server(n, `${at}.scope.servers[${j}]`)),
        },
      };
    }
    const d = customDefinition.safeParse(withIds);
    if (!d.success)
      throw new ConfigFileError(
        d.error.issues.map((x) => `${at}.${pathOf(x.path)}: ${x.message}`).join('\n'),
      );
    return d.data as Record<string, unknown>;
  };

  // rules: custom ones created or updated; built-in ones only tuned
  const existingRules = new Map((await listRules(q)).map((r) => [r.key, r]));
  for (const [i, raw] of doc.rules.entries()) {
    const r = raw.kind === 'custom' ? { ...raw, definition: customOf(raw, i) } : raw;
    let row = existingRules.get(r.key);
    if (!row && r.kind !== 'custom')
      throw new ConfigFileError(
        `rules[${i}].key: "${r.key}" is not a built-in rule of this pgvigil version`,
      );
    if (!row) {
      row = await createCustomRule(q, {
        key: r.key,
        name: r.name,
        probe: r.probe ?? '',
        definition: r.definition ?? {},
        defaultSeverity: r.defaultSeverity,
        warning: r.warning,
        critical: r.critical,
        forSeconds: r.forSeconds,
        enabled: r.enabled,
      });
      existingRules.set(r.key, row);
    } else if (r.kind === 'custom') {
      await replaceCustomRuleDefinition(q, row.id, {
        name: r.name,
        probe: r.probe ?? '',
        definition: r.definition ?? {},
        defaultSeverity: r.defaultSeverity,
      });
    }
    const dropped = Object.keys(row.params).filter((p) => !(p in r.params));
    await updateRule(q, {
      id: row.id,
      enabled: r.enabled,
      warning: r.warning,
      critical: r.critical,
      forSeconds: r.forSeconds,
      params: { ...r.params, ...Object.fromEntries(dropped.map((p) => [p, null])) },
    });
  }
  for (const [i, o] of doc.overrides.entries()) {
    const rule = existingRules.get(o.rule);
    if (!rule) throw new ConfigFileError(`overrides[${i}].rule: no rule "${o.rule}"`);
    await setOverride(q, {
      ruleId: rule.id,
      scopeType: o.scopeType,
      scopeId: scopeId(o.scopeType, o.scope, `overrides[${i}].scope`),
      scopeValue: o.scopeValue,
      enabled: o.enabled,
      warning: o.warning,
      critical: o.critical,
      forSeconds: o.forSeconds,
      params: o.params,
    });
  }

  // channels: updated in place by name (routes and alerts keep pointing at them)
  const channelIds = new Map((await listChannels(q)).map((c) => [key(c.name), Number(c.id)]));
  for (const [i, c] of doc.channels.entries()) {
    const secret = secrets?.channels[c.name];
    if (secret) {
      const checked = CHANNEL_CONFIGS[c.type].safeParse({
        ...Object.fromEntries(Object.entries(c.config).filter(([k]) => k !== 'urlHost')),
        ...secret,
      });
      if (!checked.success)
        throw new ConfigFileError(
          `channels[${i}].config: ${checked.error.issues.map((x) => `${pathOf(x.path)}: ${x.message}`).join('; ')}`,
        );
    }
    const sealed = secret ? box.seal(JSON.stringify(secret), CHANNEL_SECRET_CONTEXT) : undefined;
    const filters = {
      ...(c.filters.clusters
        ? {
            clusterIds: c.filters.clusters.map((n, j) =>
              cluster(n, `channels[${i}].filters.clusters[${j}]`),
            ),
          }
        : {}),
      ...(c.filters.environments ? { environments: c.filters.environments } : {}),
    };
    const channel = {
      name: c.name,
      type: c.type,
      config: c.config,
      secretEnc: sealed ?? null,
      minSeverity: c.minSeverity,
      filters,
      enabled: c.enabled,
    };
    const id = channelIds.get(key(c.name));
    if (id === undefined) {
      const row = await createChannel(q, channel);
      channelIds.set(key(c.name), Number(row.id));
    } else {
      await replaceChannel(q, id, channel);
    }
  }
  const channel = (n: string, path: string) => {
    const id = channelIds.get(key(n));
    if (id === undefined)
      throw new ConfigFileError(`${path}: no channel named "${n}" in the file or the datastore`);
    return id;
  };

  const policyIds = new Map(
    (await listEscalationPolicies(q)).map((p) => [key(p.name), Number(p.id)]),
  );
  for (const [i, p] of doc.escalations.entries()) {
    const steps = p.steps.map((s, j) => ({
      channelIds: s.channels.map((n, k) =>
        channel(n, `escalations[${i}].steps[${j}].channels[${k}]`),
      ),
      waitMinutes: s.waitMinutes,
    }));
    const id = policyIds.get(key(p.name));
    if (id === undefined)
      policyIds.set(
        key(p.name),
        Number((await createEscalationPolicy(q, { name: p.name, steps, repeat: p.repeat })).id),
      );
    else await updateEscalationPolicy(q, id, { steps, repeat: p.repeat });
  }

  // routes: updated in place by name; new ones go last, in the file's order
  const routeIds = new Map((await listRoutes(q)).map((r) => [key(r.name), Number(r.id)]));
  for (const [i, r] of doc.routes.entries()) {
    const { clusters, ...rest } = r.match;
    const match = {
      ...rest,
      ...(clusters
        ? { clusterIds: clusters.map((n, j) => cluster(n, `routes[${i}].match.clusters[${j}]`)) }
        : {}),
    };
    const channelIdList = r.channels.map((n, j) => channel(n, `routes[${i}].channels[${j}]`));
    let escalationId: number | null = null;
    if (r.escalation !== null) {
      escalationId = policyIds.get(key(r.escalation)) ?? null;
      if (escalationId === null)
        throw new ConfigFileError(
          `routes[${i}].escalation: no escalation policy named "${r.escalation}"`,
        );
    }
    const id = routeIds.get(key(r.name));
    const fields = {
      match,
      channelIds: channelIdList,
      continue: r.continue,
      enabled: r.enabled,
      escalationId,
      groupWaitSeconds: r.groupWaitSeconds,
      groupIntervalSeconds: r.groupIntervalSeconds,
      repeatIntervalSeconds: r.repeatIntervalSeconds,
    };
    if (id === undefined) await createRoute(q, { name: r.name, ...fields });
    else await updateRoute(q, id, fields);
  }

  // blackouts: by name and scope, updated in place
  const blackouts = await listBlackouts(q);
  for (const [i, b] of doc.blackouts.entries()) {
    const input = {
      name: b.name,
      scopeType: b.scopeType,
      scopeId: scopeId(b.scopeType, b.scope, `blackouts[${i}].scope`),
      databaseName: b.databaseName,
      cron: b.cron,
      durationMinutes: b.durationMinutes,
      timezone: b.timezone,
      startsAt: b.startsAt,
      endsAt: b.endsAt,
      enabled: b.enabled,
    };
    const same = blackouts.find(
      (x) =>
        x.name === b.name &&
        x.scope_type === b.scopeType &&
        (x.scope_id === null ? null : Number(x.scope_id)) === input.scopeId,
    );
    if (!same) await createBlackout(q, input);
    else
      await replaceBlackoutSchedule(q, same.id, {
        database_name: b.databaseName,
        cron: b.cron,
        duration_minutes: b.durationMinutes,
        timezone: b.timezone,
        starts_at: b.startsAt,
        ends_at: b.endsAt,
        enabled: b.enabled,
      });
  }

  for (const [i, p] of doc.probeSettings.entries())
    await setProbeSetting(
      q,
      p.probe,
      { scope: p.scope, scopeId: scopeId(p.scope, p.target, `probeSettings[${i}].target`) },
      { enabled: p.enabled, intervalSeconds: p.intervalSeconds, retentionDays: p.retentionDays },
      new Date(),
    );
}

const SECTIONS = [
  ['clusters', (x: { name: string }) => x.name],
  ['servers', (x: { name: string }) => x.name],
  ['rules', (x: { key: string }) => x.key],
  [
    'overrides',
    (x: { rule: string; scopeType: string; scope: string | null; scopeValue: string | null }) =>
      `${x.rule} @ ${x.scopeType} ${x.scope ?? ''}${x.scopeValue ? ` ${x.scopeValue}` : ''}`.trim(),
  ],
  [
    'blackouts',
    (x: { name: string; scopeType: string; scope: string | null }) =>
      `${x.name} (${x.scopeType}${x.scope ? ` ${x.scope}` : ''})`,
  ],
  ['channels', (x: { name: string }) => x.name],
  ['escalations', (x: { name: string }) => x.name],
  ['routes', (x: { name: string }) => x.name],
  [
    'probeSettings',
    (x: { probe: string; scope: string; target: string | null }) =>
      `${x.probe} @ ${x.scope}${x.target ? ` ${x.target}` : ''}`,
  ],
] as const;

/** What an import changed: "create"/"update" per item, by section (unchanged ones left out). */
export function diffConfig(before: ConfigDocument, after: ConfigDocument): string[] {
  const lines: string[] = [];
  for (const [section, id] of SECTIONS) {
    const label = id as (x: unknown) => string;
    const old = new Map(
      (before[section] as unknown[]).map((x) => [key(label(x)), JSON.stringify(x)]),
    );
    for (const x of after[section] as unknown[]) {
      const was = old.get(key(label(x)));
      if (was === undefined) lines.push(`${section}: create ${label(x)}`);
      else if (was !== JSON.stringify(x)) lines.push(`${section}: update ${label(x)}`);
    }
  }
  return lines;
}

export { readConfig };
