// Every route handler found on disk, called anonymously, with a bad token and as
// each role, against real objects; and every handler that reads a body, fed a
// corpus of malformed ones. Nothing here lists routes: a new one is covered.
import type { Role } from '@pgvigil/schema';
import { ROLES } from '@pgvigil/schema';
import { createApiToken, createUser } from '@pgvigil/db/accounts';
import {
  createBlackout,
  createChannel,
  createEscalationPolicy,
  createRoute,
  setOverride,
} from '@pgvigil/db/alerting';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import { createCluster, createServer } from '@pgvigil/db/registry';
import { serverUrl, testMajors, TEST_PASSWORD, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import { syncCatalog } from '@pgvigil/alerting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENDPOINTS, endpointKey, type Endpoint } from '@/contract';
import { digest, newApiToken } from '@/server/auth';
import { secretBox } from '@/server/secret-box';
import { discoverRoutes, fillPattern, segmentsOf, type DiscoveredRoute } from './discover';
import { call, webDatastore } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
const CAMEL = /^[a-z][a-zA-Z0-9]*$/;
const contractPath = (urlPattern: string) =>
  urlPattern.replace(/^\/api\/v1/, '').replace(/\[([^\]]+)\]/g, '{$1}');

/** Stands for a value the contract does not declare: every key in it must be a field. */
const UNDECLARED = z.never();

/**
 * The keys of a JSON answer that are not camelCase. A record's keys, and what the
 * contract declares as unknown (an audit entry's details), are data, not fields.
 */
function badKeys(value: unknown, schema: z.ZodType, path = ''): string[] {
  if (schema === UNDECLARED) {
    if (Array.isArray(value)) return value.flatMap((v, i) => badKeys(v, schema, `${path}[${i}]`));
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([k, v]) => [
      ...(CAMEL.test(k) ? [] : [`${path}.${k}`]),
      ...badKeys(v, schema, `${path}.${k}`),
    ]);
  }
  const def = schema._zod.def as unknown as Record<string, unknown>;
  const inner = (s: unknown, v: unknown, p: string) => badKeys(v, s as z.ZodType, p);
  if (value === null || value === undefined) return [];
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'default':
      return inner(def.innerType, value, path);
    case 'lazy':
      return inner((def.getter as () => unknown)(), value, path);
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((v, i) => inner(def.element, v, `${path}[${i}]`))
        : [];
    case 'record':
      return typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => inner(def.valueType, v, `${path}{${k}}`))
        : [];
    case 'object': {
      const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
      return Object.entries(value as object).flatMap(([k, v]) => [
        ...(CAMEL.test(k) ? [] : [`${path}.${k}`]),
        ...inner(shape[k] ?? UNDECLARED, v, `${path}.${k}`),
      ]);
    }
    default:
      return [];
  }
}

describe(`every API route handler on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let routes: DiscoveredRoute[];
  const token: Partial<Record<Role, string>> = {};
  const userId: Partial<Record<Role, number>> = {};
  const shared: Record<string, string> = {};
  let fresh = 0;
  const endpointOf = (r: DiscoveredRoute): Endpoint =>
    ENDPOINTS.find((e) => endpointKey(e) === `${r.method} ${contractPath(r.urlPattern)}`)!;

  async function newToken(role: Role) {
    const t = newApiToken();
    const created = await createApiToken(ds.db, {
      userId: userId[role]!,
      name: `t${fresh++}`,
      prefix: t.prefix,
      tokenHash: digest(t.token),
      scope: 'full',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    return { token: t.token, id: created.id };
  }

  beforeAll(async () => {
    ds = await webDatastore(major);
    routes = await discoverRoutes();
    for (const role of ROLES) {
      const user = await createUser(ds.db, { username: `${role}-1`, passwordHash: 'x', role });
      userId[role] = user.id;
      token[role] = (await newToken(role)).token;
    }
    await syncCatalog(ds.db);
    const cluster = await createCluster(ds.db, { name: 'matrix' });
    const target = new URL(serverUrl(major));
    const server = await createServer(ds.db, await secretBox(), {
      name: 'matrix-db',
      host: target.hostname,
      port: Number(target.port),
      username: 'postgres',
      password: TEST_PASSWORD,
      clusterId: cluster.id,
      sslmode: 'disable',
    });
    const at = new Date();
    const ago = (minutes: number) => new Date(at.getTime() - minutes * 60_000);
    const tables = getProbe('tables')!;
    const indexes = getProbe('indexes')!;
    const statements = getProbe('statements')!;
    for (const spec of [tables, indexes, statements]) await ensureMetricTable(ds.db, spec, ago(60));
    const sample = (spec: typeof tables, rows: Record<string, unknown>[], database?: string) =>
      [ago(12), ago(2)].map((collectedAt) => ({
        spec,
        samples: [{ collectedAt, serverId: server.id, ...(database ? { database } : {}), rows }],
      }));
    await writeSamples(ds.db, [
      ...sample(tables, [{ schemaname: 'public', relname: 'accounts', seq_scan: 1 }], 'postgres'),
      ...sample(
        indexes,
        [{ schemaname: 'public', indexrelname: 'accounts_pkey', relname: 'accounts' }],
        'postgres',
      ),
      ...sample(statements, [
        {
          queryid: '42',
          userid: 10,
          dbid: 5,
          calls: 3,
          rows: 3,
          total_exec_time: 9,
          shared_blks_hit: 1,
          shared_blks_read: 0,
          temp_blks_read: 0,
          temp_blks_written: 0,
        },
      ]),
    ]);
    const rule = (
      await ds.db.query<{ id: number; key: string }>(
        `SELECT id, key FROM rules WHERE key = 'connections_used'`,
      )
    )[0]!;
    const [alert] = await ds.db.query<{ id: number }>(
      `INSERT INTO alerts (rule_id, server_id, fingerprint, state, severity, message, fired_at, details)
       VALUES ($1, $2, 'matrix', 'firing', 'warning', 'planted', now(), '{"used_pct": 91}')
       RETURNING id`,
      [rule.id, server.id],
    );
    const override = await setOverride(ds.db, {
      ruleId: rule.id,
      scopeType: 'environment',
      scopeValue: 'production',
      warning: 70,
    });
    const blackout = await createBlackout(ds.db, {
      name: 'nightly',
      scopeType: 'global',
      cron: '0 2 * * *',
      durationMinutes: 30,
    });
    const channel = await createChannel(ds.db, {
      name: 'sink',
      type: 'webhook',
      // loopback discard port: a test message is refused at once, never sent elsewhere
      config: { urlHost: '127.0.0.1:9' },
      secretEnc: (await secretBox()).seal(
        JSON.stringify({ url: 'http://127.0.0.1:9/hook' }),
        'channels.secret',
      ),
    });
    const policy = await createEscalationPolicy(ds.db, {
      name: 'matrix on-call',
      steps: [{ channelIds: [channel.id], waitMinutes: 5 }],
    });
    const route = await createRoute(ds.db, { name: 'matrix route', channelIds: [channel.id] });
    Object.assign(shared, {
      route: String(route.id),
      escalation: String(policy.id),
      cluster: String(cluster.id),
      server: String(server.id),
      user: String(userId.viewer),
      alert: String(alert!.id),
      rule: String(rule.id),
      override: String(override.id),
      blackout: String(blackout.id),
      channel: String(channel.id),
    });
  });
  afterAll(() => ds.drop());

  /** What the `{id}` of a path names: the resource its path starts with. */
  const resourceOf = (urlPattern: string) => {
    const first = contractPath(urlPattern).split('/')[1]!;
    return first === 'dashboard' ? 'clusters' : first;
  };

  /** A real object for each dynamic segment; a fresh one for a call that removes it. */
  async function paramsFor(r: DiscoveredRoute, role: Role, destructive: boolean) {
    const values: Record<string, string> = {
      db: 'postgres',
      schema: 'public',
      table: 'accounts',
      index: 'accounts_pkey',
      chart: 'tps',
      rule: 'anomaly_connections',
      probe: 'tables',
      queryid: '42',
      overrideId: shared.override!,
    };
    const resource = resourceOf(r.urlPattern);
    const single: Record<string, string> = {
      clusters: shared.cluster!,
      servers: shared.server!,
      users: shared.user!,
      alerts: shared.alert!,
      rules: shared.rule!,
      blackouts: shared.blackout!,
      channels: shared.channel!,
      routes: shared.route!,
      escalations: shared.escalation!,
    };
    values.id = single[resource] ?? '1';
    if (destructive) {
      const n = fresh++;
      if (resource === 'tokens') values.id = String((await newToken(role)).id);
      if (resource === 'users')
        values.id = String(
          (await createUser(ds.db, { username: `gone-${n}`, passwordHash: 'x', role: 'viewer' }))
            .id,
        );
      if (resource === 'clusters')
        values.id = String((await createCluster(ds.db, { name: `gone-${n}` })).id);
      if (resource === 'servers')
        values.id = String(
          (
            await createServer(ds.db, await secretBox(), {
              name: `gone-${n}`,
              host: '127.0.0.1',
              username: 'u',
            })
          ).id,
        );
      if (resource === 'blackouts')
        values.id = String(
          (
            await createBlackout(ds.db, {
              name: `gone-${n}`,
              scopeType: 'global',
              cron: '0 3 * * *',
              durationMinutes: 5,
            })
          ).id,
        );
      if (resource === 'channels')
        values.id = String(
          (
            await createChannel(ds.db, {
              name: `gone-${n}`,
              type: 'slack',
              config: {},
              secretEnc: null,
            })
          ).id,
        );
      if (resource === 'routes')
        values.id = String(
          (await createRoute(ds.db, { name: `gone-${n}`, channelIds: [Number(shared.channel)] }))
            .id,
        );
      if (resource === 'escalations')
        values.id = String(
          (
            await createEscalationPolicy(ds.db, {
              name: `gone-${n}`,
              steps: [{ channelIds: [Number(shared.channel)], waitMinutes: 5 }],
            })
          ).id,
        );
      if (r.urlPattern.includes('[overrideId]'))
        values.overrideId = String(
          (
            await setOverride(ds.db, {
              ruleId: Number(shared.rule),
              scopeType: 'server',
              scopeId: Number(shared.server),
              warning: n,
            })
          ).id,
        );
    }
    return Object.fromEntries(segmentsOf(r.urlPattern).map((s) => [s, values[s]!]));
  }

  /** The required query parameters, from the contract, with sample values. */
  function pathFor(r: DiscoveredRoute, params: Record<string, string>) {
    const e = endpointOf(r);
    const now = Date.now();
    const samples: Record<string, string> = {
      from: new Date(now - 3_600_000).toISOString(),
      to: new Date(now).toISOString(),
      serverId: shared.server!,
      // readiness and compare: live on the matrix server, against itself
      database: 'postgres',
      with: shared.server!,
    };
    const q = new URLSearchParams();
    for (const [name, schema] of Object.entries(e.query?.shape ?? {}))
      if (!(schema as z.ZodType).safeParse(undefined).success) q.set(name, samples[name] ?? '');
    const query = q.toString();
    return fillPattern(r.urlPattern, params) + (query ? `?${query}` : '');
  }

  it('role matrix: anonymous and a bad token get 401, a lower role 403, an allowed one its answer', async () => {
    expect(routes.length).toBeGreaterThan(60);
    let reached = 0;
    for (const r of routes) {
      const e = endpointOf(r);
      expect(e, `${r.method} ${r.urlPattern} has no contract endpoint`).toBeDefined();
      const name = `${r.method} ${r.urlPattern}`;
      const destructive = r.method === 'DELETE';
      const shape = async (role: Role) => {
        const params = await paramsFor(r, role, destructive);
        return {
          method: r.method,
          params,
          path: pathFor(r, params),
          ...(r.method === 'GET' ? {} : { raw: '{}' }),
        };
      };
      if (r.access?.kind === 'role') {
        const base = await shape('viewer');
        expect((await call(r.handler, base)).status, `${name} anonymous`).toBe(401);
        expect(
          (await call(r.handler, { ...base, token: 'pgv_not-a-real-token' })).status,
          `${name} bad token`,
        ).toBe(401);
      }
      for (const role of ROLES) {
        const res = await call(r.handler, { ...(await shape(role)), token: token[role]! });
        const allowed = r.access?.kind === 'public' || RANK[role] >= RANK[r.access!.minRole];
        if (!allowed) {
          expect(res.status, `${name} as ${role}`).toBe(403);
          continue;
        }
        expect([401, 403], `${name} as ${role}: ${res.text.slice(0, 300)}`).not.toContain(
          res.status,
        );
        expect(res.status, `${name} as ${role}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
        // a read reaches the real object; a write with an empty body may be refused, never misread
        if (r.method === 'GET' && r.access?.kind === 'role')
          expect(res.status, `${name} as ${role}: ${res.text.slice(0, 300)}`).toBe(200);
        if (destructive)
          expect(res.status, `${name} as ${role}: ${res.text.slice(0, 300)}`).toBe(204);
        if (res.status === 204) expect(res.text, name).toBe('');
        else if (res.status < 300) {
          reached++;
          expect(badKeys(res.json, e.response ?? UNDECLARED), `${name} keys`).toEqual([]);
        } else expect(res.json.error, name).toMatchObject({ code: expect.any(String) });
      }
    }
    // every handler was called; most allowed calls got a real answer to check
    expect(reached).toBeGreaterThan(100);
  });

  it('malformed bodies at every handler that reads one: 4xx with an error code, never a 500 or a stack', async () => {
    const corpus: string[] = [
      '',
      'null',
      '[]',
      '"text"',
      '42',
      '{',
      '{"name":',
      '{"name": 1}',
      '{"__proto__": {"admin": true}}',
      '{"constructor": {"prototype": {}}}',
      JSON.stringify({ name: 'x'.repeat(10_000), host: '\u0000', port: -1 }),
      JSON.stringify({ url: 'postgresql://u:p@h:notaport/db' }),
      JSON.stringify({ url: 'host=h sslrootcert=/etc/passwd' }),
      JSON.stringify({ username: '../../etc', password: 12, role: 'root' }),
      JSON.stringify({ expiresAt: 'yesterday', name: ['a'] }),
      JSON.stringify({ serverId: 1e308, port: 1.5, tags: [null] }),
      JSON.stringify({ version: 2, servers: 'all' }),
      JSON.stringify({ scopeType: 'planet', params: { x: 'y' }, definition: [] }),
      '['.repeat(5000) + ']'.repeat(5000),
      JSON.stringify({ description: 'y'.repeat(1_100_000) }),
    ];
    const writes = routes.filter((r) => endpointOf(r).body !== undefined);
    expect(writes.length).toBeGreaterThan(15);
    for (const r of writes) {
      const params = await paramsFor(r, 'admin', false);
      for (const raw of corpus) {
        // an empty body is a valid "nothing to say" where the body is optional (ack)
        if (raw === '' && endpointOf(r).body!.safeParse(undefined).success) continue;
        const res = await call(r.handler, {
          method: r.method,
          raw,
          params,
          path: pathFor(r, params),
          ...(r.access?.kind === 'role' ? { token: token.admin! } : {}),
        });
        const what = `${r.method} ${r.urlPattern} <- ${raw.slice(0, 60)}: ${res.text.slice(0, 200)}`;
        expect(res.status, what).toBeGreaterThanOrEqual(400);
        expect(res.status, what).toBeLessThan(500);
        expect(res.json.error, what).toMatchObject({
          code: expect.any(String),
          message: expect.any(String),
        });
        expect(res.text).not.toMatch(/\bat .+\.ts:\d+/);
      }
    }
  });
});
