import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, type Role } from '@pgvigil/db';
import { createApiToken, createUser, listAudit } from '@pgvigil/db/accounts';
import { RETENTION_GLOBAL_ONLY } from '@pgvigil/db/metrics';
import { createCluster, createServer } from '@pgvigil/db/registry';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe, POOLER_PROBES } from '@pgvigil/probes';
import * as byProbe from '@/app/api/v1/probe-settings/[probe]/route';
import * as list from '@/app/api/v1/probe-settings/route';
import { digest, newApiToken } from '@/server/auth';
import { call, webDatastore, type Handler } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;
const PROBE = 'tables';

type Setting = {
  probe: string;
  title: string;
  probeScope: string;
  enabled: { value: boolean; source: string };
  intervalSeconds: { value: number; source: string };
  retentionDays: { value: number; source: string };
  override: Record<string, unknown> | null;
};

describe(`probe settings API on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  const token: Partial<Record<Role, string>> = {};
  let clusterId: number;
  let serverId: number;
  const at = (scope: 'global' | 'cluster' | 'server', id?: number) =>
    `/api/v1/probe-settings/${PROBE}${scope === 'global' ? '' : `?${scope}Id=${id}`}`;
  const put = (path: string, body: unknown, role: Role = 'admin') =>
    call(h(byProbe.PUT), {
      method: 'PUT',
      path,
      body,
      token: token[role]!,
      params: { probe: PROBE },
    });
  const read = async (query: string, role: Role = 'viewer') => {
    const res = await call(h(list.GET), {
      path: `/api/v1/probe-settings?${query}`,
      token: token[role]!,
    });
    return {
      ...res,
      probe: (res.json.probes as Setting[] | undefined)?.find((p) => p.probe === PROBE),
    };
  };

  beforeAll(async () => {
    ds = await webDatastore(major);
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      const user = await createUser(ds.db, { username: `u-${role}`, passwordHash: 'x', role });
      const t = newApiToken();
      await createApiToken(ds.db, {
        userId: user.id,
        name: 't',
        prefix: t.prefix,
        tokenHash: digest(t.token),
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      token[role] = t.token;
    }
    clusterId = (await createCluster(ds.db, { name: 'orders' })).id;
    const box = createSecretBox(randomBytes(32));
    serverId = (await createServer(ds.db, box, { name: 's1', host: 'h', username: 'u', clusterId }))
      .id;
  });
  afterAll(() => ds.drop());

  it('lists every probe with its defaults for a viewer', async () => {
    const res = await read('');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ scope: 'global', scopeId: null });
    expect(res.probe).toMatchObject({
      title: getProbe(PROBE)!.title,
      probeScope: 'database',
      enabled: { value: true, source: 'default' },
      intervalSeconds: { value: getProbe(PROBE)!.intervalSeconds, source: 'default' },
      override: null,
    });
  });

  it("lists the pooler's probes too, and tunes one like any other", async () => {
    const all = await call(h(list.GET), {
      path: '/api/v1/probe-settings?limit=500',
      token: token.viewer!,
    });
    const probes = all.json.probes as (Setting & { target: string })[];
    expect(probes.filter((p) => p.target === 'pgbouncer').map((p) => p.probe)).toEqual(
      POOLER_PROBES.map((p) => p.name),
    );
    expect(probes.find((p) => p.probe === PROBE)?.target).toBe('postgresql');
    const set = await call(h(byProbe.PUT), {
      method: 'PUT',
      path: `/api/v1/probe-settings/pgbouncer_pools?serverId=${serverId}`,
      body: { intervalSeconds: 60 },
      token: token.admin!,
      params: { probe: 'pgbouncer_pools' },
    });
    expect(set.status).toBe(200);
    expect(set.json.setting).toMatchObject({
      target: 'pgbouncer',
      intervalSeconds: { value: 60, source: 'server' },
    });
    await call(h(byProbe.DELETE), {
      method: 'DELETE',
      path: `/api/v1/probe-settings/pgbouncer_pools?serverId=${serverId}`,
      token: token.admin!,
      params: { probe: 'pgbouncer_pools' },
    });
  });

  it('writes need an admin; reads need a viewer', async () => {
    expect((await call(h(list.GET), { path: '/api/v1/probe-settings' })).status).toBe(401);
    for (const role of ['viewer', 'editor'] as const) {
      expect((await put(at('global'), { enabled: false }, role)).status).toBe(403);
      const del = await call(h(byProbe.DELETE), {
        method: 'DELETE',
        path: at('global'),
        token: token[role]!,
        params: { probe: PROBE },
      });
      expect(del.status).toBe(403);
    }
  });

  it('sets overrides per scope, shows their source, audits, and resets to inherited', async () => {
    expect((await put(at('global'), { intervalSeconds: 900, retentionDays: 60 })).status).toBe(200);
    expect((await put(at('cluster', clusterId), { enabled: false })).status).toBe(200);
    const set = await put(at('server', serverId), { intervalSeconds: 30 });
    expect(set.status).toBe(200);
    expect(set.json.setting).toMatchObject({
      enabled: { value: false, source: 'cluster' },
      intervalSeconds: { value: 30, source: 'server' },
      retentionDays: { value: 60, source: 'global' },
    });
    expect((await read(`serverId=${serverId}`)).probe?.override).toEqual({
      enabled: null,
      intervalSeconds: 30,
      retentionDays: null,
    });
    const [entry] = await listAudit(ds.db, { limit: 1 });
    expect(entry).toMatchObject({
      action: 'probe_setting.set',
      targetType: 'probe_setting',
      targetId: PROBE,
      actor: expect.stringContaining('u-admin') as unknown,
      details: {
        scope: 'server',
        scopeId: serverId,
        previous: null,
        value: { enabled: null, intervalSeconds: 30, retentionDays: null },
      },
    });

    const reset = await call(h(byProbe.DELETE), {
      method: 'DELETE',
      path: at('server', serverId),
      token: token.admin!,
      params: { probe: PROBE },
    });
    expect(reset.status).toBe(204);
    expect((await read(`serverId=${serverId}`)).probe).toMatchObject({
      intervalSeconds: { value: 900, source: 'global' },
      override: null,
    });
    expect((await listAudit(ds.db, { limit: 1 }))[0]).toMatchObject({
      action: 'probe_setting.clear',
      details: { previous: { intervalSeconds: 30 } },
    });
  });

  it('refuses a retention at server scope with the reason, in the field', async () => {
    const res = await put(at('server', serverId), { retentionDays: 7 });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({
      code: 'validation_failed',
      message: RETENTION_GLOBAL_ONLY,
      fields: { retentionDays: RETENTION_GLOBAL_ONLY },
    });
  });

  it('404 for an unknown cluster, server or probe', async () => {
    expect((await read('clusterId=999999')).status).toBe(404);
    expect((await put(at('server', 999_999), { enabled: true })).status).toBe(404);
    const unknown = await call(h(byProbe.PUT), {
      method: 'PUT',
      path: '/api/v1/probe-settings/nope',
      body: { enabled: true },
      token: token.admin!,
      params: { probe: 'nope' },
    });
    expect(unknown.status).toBe(404);
  });

  it('malformed queries and bodies are a 400 with fields, never a 500', async () => {
    for (const query of [
      'serverId=',
      `clusterId=${clusterId}&serverId=${serverId}`,
      'serverId=planet',
      'serverId=-1',
      'clusterId=1.5',
    ]) {
      const res = await read(query);
      expect(res.status, query).toBe(400);
      expect((res.json.error as { fields?: unknown }).fields, query).toBeDefined();
    }
    const bodies = [
      '',
      'null',
      '[]',
      '{',
      '"x"',
      '{"intervalSeconds": 4}',
      '{"intervalSeconds": 86401}',
      '{"intervalSeconds": 10.5}',
      '{"retentionDays": 0}',
      '{"retentionDays": 3651}',
      '{"enabled": "yes"}',
      '{"bogus": true}',
      '{"__proto__": {"admin": true}}',
    ];
    for (const raw of bodies) {
      const res = await call(h(byProbe.PUT), {
        method: 'PUT',
        path: at('global'),
        raw,
        token: token.admin!,
        params: { probe: PROBE },
      });
      expect(res.status, raw).toBe(400);
      expect(res.text, raw).not.toMatch(/at .*\.ts/);
    }
    const fields = await put(at('global'), { intervalSeconds: 2 });
    expect((fields.json.error as { fields: Record<string, string> }).fields).toHaveProperty(
      'intervalSeconds',
    );
  });
});
