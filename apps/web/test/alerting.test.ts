import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@pgvigil/db';
import { createApiToken, createUser } from '@pgvigil/db/accounts';
import { saveAlertChanges, syncBuiltinRules } from '@pgvigil/db/alerting';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as ack from '@/app/api/v1/alerts/[id]/ack/route';
import * as alertById from '@/app/api/v1/alerts/[id]/route';
import * as alerts from '@/app/api/v1/alerts/route';
import * as investigation from '@/app/api/v1/alerts/[id]/investigation/route';
import * as events from '@/app/api/v1/events/route';
import * as blackouts from '@/app/api/v1/blackouts/route';
import * as channelTest from '@/app/api/v1/channels/[id]/test/route';
import * as channels from '@/app/api/v1/channels/route';
import * as effectiveRoute from '@/app/api/v1/rules/[id]/effective/route';
import * as overrides from '@/app/api/v1/rules/[id]/overrides/route';
import * as ruleById from '@/app/api/v1/rules/[id]/route';
import * as rules from '@/app/api/v1/rules/route';
import * as rulePreview from '@/app/api/v1/rules/preview/route';
import { ensureMetricTable, writeSamples, type MetricSpec } from '@pgvigil/db/metrics';
import { newApiToken, digest } from '@/server/auth';
import { call, webDatastore, type Handler } from './helpers';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;

describe(`alerting API on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  const token: Partial<Record<Role, string>> = {};
  let ruleId: number;
  let serverId: number;
  let alertId: number;

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
    await syncBuiltinRules(ds.db, [
      {
        key: 'connections_used',
        name: 'Connections used',
        kind: 'builtin',
        probe: 'activity',
        definition: { unit: 'percent' },
        defaultSeverity: 'warning',
        warning: 80,
        critical: 90,
        forSeconds: 300,
        enabled: true,
      },
    ]);
    ruleId = (await ds.db.query<{ id: number }>(`SELECT id FROM rules`))[0]!.id;
    const [c] = await ds.db.query<{ id: number }>(
      `INSERT INTO clusters (name, environment) VALUES ('main', 'staging') RETURNING id`,
    );
    const [s] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username, cluster_id, environment) VALUES ('pg1', '127.0.0.1', 'm', $1, 'staging') RETURNING id`,
      [c!.id],
    );
    serverId = s!.id;
    const at = new Date();
    const [saved] = await saveAlertChanges(ds.db, [
      {
        id: null,
        ruleId,
        serverId,
        databaseName: null,
        objectKey: null,
        fingerprint: `connections_used|${serverId}||`,
        state: 'firing',
        severity: 'warning',
        value: 85,
        threshold: 80,
        message: 'Connections used: 85 %',
        startedAt: at,
        firedAt: at,
        notified: true,
        lastNotifiedAt: at,
        at,
        event: { from: 'pending', to: 'firing', reason: 'held' },
      },
    ]);
    alertId = saved!.alertId;
  });
  afterAll(() => ds?.drop());

  it('lists and filters alerts; acknowledging needs an editor and happens once', async () => {
    const list = await call(h(alerts.GET), {
      token: token.viewer,
      path: '/api/v1/alerts?state=firing,acknowledged',
    });
    expect(list.status).toBe(200);
    expect(list.json.alerts).toEqual([expect.objectContaining({ value: 85, unit: 'percent' })]);
    const bad = await call(h(alerts.GET), {
      token: token.viewer,
      path: '/api/v1/alerts?state=burning',
    });
    expect(bad.status).toBe(400);
    const params = { id: String(alertId) };
    expect(
      (await call(h(ack.POST), { method: 'POST', token: token.viewer, params, body: {} })).status,
    ).toBe(403);
    expect(
      (
        await call(h(ack.POST), {
          method: 'POST',
          token: token.editor,
          params,
          body: { comment: 'looking' },
        })
      ).status,
    ).toBe(204);
    const again = await call(h(ack.POST), {
      method: 'POST',
      token: token.editor,
      params,
      body: {},
    });
    expect(again.status).toBe(409);
    const detail = await call(h(alertById.GET), { token: token.viewer, params });
    const alert = detail.json.alert as {
      state: string;
      ackComment: string;
      events: { toState: string }[];
    };
    expect(alert).toMatchObject({ state: 'acknowledged', ackComment: 'looking' });
    expect(alert.events.map((e) => e.toState)).toEqual(['firing', 'acknowledged']);
  });

  it('records deploy markers (editors) and shows them on the investigation timeline', async () => {
    const at = new Date(Date.now() - 5 * 60_000).toISOString();
    const marker = { title: 'deploy web v1.4.2', serverId, at };
    expect(
      (await call(h(events.POST), { method: 'POST', token: token.viewer, body: marker })).status,
    ).toBe(403);
    const unknown = await call(h(events.POST), {
      method: 'POST',
      token: token.editor,
      body: { ...marker, serverId: 999_999 },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toContain('serverId');
    const made = await call(h(events.POST), { method: 'POST', token: token.editor, body: marker });
    expect(made.status).toBe(201);
    expect(made.json.event).toMatchObject({ kind: 'deploy', title: 'deploy web v1.4.2', serverId });
    const res = await call(h(investigation.GET), {
      token: token.viewer,
      params: { id: String(alertId) },
    });
    expect(res.status).toBe(200);
    const inv = res.json.investigation as {
      timeline: { kind: string; text: string }[];
      causes: { detector: string; evidence: unknown[] }[];
      href: string;
    };
    expect(inv.href).toBe(`/alerts/${alertId}#investigation`);
    expect(inv.timeline).toContainEqual(
      expect.objectContaining({ kind: 'event', text: 'deploy: deploy web v1.4.2' }),
    );
    // no samples on this server: the marker is the only lead
    expect(inv.causes.map((c) => c.detector)).toEqual(['deployMarker']);
    const missing = await call(h(investigation.GET), {
      token: token.viewer,
      params: { id: '999999' },
    });
    expect(missing.status).toBe(404);
  });

  it('tunes a rule globally and per scope, and shows where each effective value comes from', async () => {
    const params = { id: String(ruleId) };
    expect(
      (
        await call(h(ruleById.PATCH), {
          method: 'PATCH',
          token: token.editor,
          params,
          body: { forSeconds: 120 },
        })
      ).status,
    ).toBe(200);
    const put = await call(h(overrides.PUT), {
      method: 'PUT',
      token: token.editor,
      params,
      body: { scopeType: 'environment', scopeValue: 'staging', warning: 70 },
    });
    expect(put.status).toBe(200);
    const badScope = await call(h(overrides.PUT), {
      method: 'PUT',
      token: token.editor,
      params,
      body: { scopeType: 'server' },
    });
    expect(badScope.status).toBe(400);
    const eff = await call(h(effectiveRoute.GET), {
      token: token.viewer,
      params,
      path: `/api/v1/rules/${ruleId}/effective?serverId=${serverId}`,
    });
    expect(eff.json.effective).toMatchObject({
      warning: { value: 70, source: 'environment' },
      critical: { value: 90, source: 'global' },
      forSeconds: { value: 120, source: 'global' },
    });
  });

  it('tunes a rule parameter (bloat minimum) globally and per server, refusing unknown ones', async () => {
    await syncBuiltinRules(ds.db, [
      {
        key: 'table_bloat',
        name: 'Table bloat',
        kind: 'builtin',
        probe: 'table_bloat',
        definition: {},
        defaultSeverity: 'warning',
        warning: 70,
        critical: null,
        forSeconds: 0,
        enabled: true,
      },
    ]);
    const [r] = await ds.db.query<{ id: number }>(`SELECT id FROM rules WHERE key = 'table_bloat'`);
    const params = { id: String(r!.id) };
    const patch = (body: unknown) =>
      call(h(ruleById.PATCH), { method: 'PATCH', token: token.editor, params, body });
    const put = (body: unknown) =>
      call(h(overrides.PUT), { method: 'PUT', token: token.editor, params, body });
    const effective = async () =>
      (
        (
          await call(h(effectiveRoute.GET), {
            token: token.viewer,
            params,
            path: `/api/v1/rules/${r!.id}/effective?serverId=${serverId}`,
          })
        ).json.effective as { params: unknown }
      ).params;

    expect(await effective()).toEqual({ min_bytes: { value: 200 * 1024 ** 2, source: 'global' } });
    const got = await call(h(ruleById.GET), { token: token.viewer, params });
    expect(got.json.parameters).toEqual([
      expect.objectContaining({ name: 'min_bytes', default: 200 * 1024 ** 2, value: null }),
    ]);
    expect((await patch({ params: { min_bytes: 1024 ** 2 } })).status).toBe(200);
    expect(
      ((await patch({ params: { nope: 1 } })).json.error as { fields: object }).fields,
    ).toEqual({
      'params.nope': 'this rule has no such parameter',
    });
    expect(
      (await put({ scopeType: 'server', scopeId: serverId, params: { min_bytes: -5 } })).status,
    ).toBe(400);
    const o = await put({ scopeType: 'server', scopeId: serverId, params: { min_bytes: 4096 } });
    expect((o.json.override as { params: object }).params).toEqual({ min_bytes: 4096 });
    expect(await effective()).toMatchObject({ min_bytes: { value: 4096, source: 'server' } });
    await put({ scopeType: 'server', scopeId: serverId, params: { min_bytes: null } });
    expect(await effective()).toMatchObject({ min_bytes: { value: 1024 ** 2, source: 'global' } });
    // null resets the global value to the catalog default
    expect(
      ((await patch({ params: { min_bytes: null } })).json.rule as { params: object }).params,
    ).toEqual({});
  });

  it('creates custom rules with a validated definition', async () => {
    const body = {
      key: 'temp-spill',
      name: 'Temp spill',
      definition: {
        probe: 'database_stats',
        column: 'temp_bytes',
        aggregation: 'rate',
        windowSeconds: 600,
        operator: '>',
      },
      warning: 1000000,
    };
    const created = await call(h(rules.POST), { method: 'POST', token: token.editor, body });
    expect(created.status).toBe(201);
    expect(created.json.rule).toMatchObject({ key: 'custom.temp-spill', kind: 'custom' });
    // its alerts read in the unit of the probe column: a rate of bytes
    const at = new Date();
    await saveAlertChanges(ds.db, [
      {
        id: null,
        ruleId: (created.json.rule as { id: number }).id,
        serverId,
        databaseName: 'app',
        objectKey: null,
        fingerprint: `custom.temp-spill|${serverId}|app|`,
        state: 'pending',
        severity: 'warning',
        value: 2_500_000,
        threshold: 1_000_000,
        message: 'temp_bytes is 2.4 MiB/s',
        startedAt: at,
        firedAt: null,
        notified: false,
        lastNotifiedAt: null,
        at,
        event: { from: 'ok', to: 'pending', reason: 'over threshold' },
      },
    ]);
    const pending = await call(h(alerts.GET), {
      token: token.viewer,
      path: '/api/v1/alerts?state=pending',
    });
    expect(pending.json.alerts).toEqual([
      expect.objectContaining({ ruleKey: 'custom.temp-spill', unit: 'bytes_per_second' }),
    ]);
    const bad = await call(h(rules.POST), {
      method: 'POST',
      token: token.editor,
      body: { ...body, key: 'x', definition: { ...body.definition, aggregation: 'p99' } },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.json.error as { fields: object }).fields)).toContain(
      'definition.aggregation',
    );
  });

  it('previews a custom rule over the last 24 h of stored samples', async () => {
    const spec: MetricSpec = {
      name: 'preview_probe',
      scope: 'instance',
      intervalSeconds: 60,
      retentionDays: 2,
      changeTracked: false,
      columns: [{ name: 'waiting', type: 'double' }],
    };
    const now = Date.now();
    await ensureMetricTable(ds.db, spec, new Date(now - 86_400_000));
    await ensureMetricTable(ds.db, spec, new Date(now));
    // three hours, one sample a minute: 10 waiting during the middle hour
    const samples = Array.from({ length: 180 }, (_, i) => ({
      collectedAt: new Date(now - (180 - i) * 60_000),
      serverId,
      rows: [{ waiting: i >= 60 && i < 120 ? 10 : 0 }],
    }));
    await writeSamples(ds.db, [{ spec, samples }]);
    const body = {
      definition: {
        probe: 'preview_probe',
        column: 'waiting',
        aggregation: 'latest',
        windowSeconds: 600,
        operator: '>',
      },
      warning: 5,
      forSeconds: 120,
    };
    const viewer = await call(h(rulePreview.POST), { method: 'POST', token: token.viewer, body });
    expect(viewer.status).toBe(403);
    const res = await call(h(rulePreview.POST), { method: 'POST', token: token.editor, body });
    expect(res.status).toBe(200);
    const preview = res.json.preview as {
      instances: number;
      firing: number;
      series: { serverId: number; fired: number; events: { state: string }[] }[];
    };
    expect(preview).toMatchObject({ instances: 1, firing: 1 });
    expect(preview.series[0]!.serverId).toBe(serverId);
    expect(preview.series[0]!.events.map((e) => e.state)).toEqual([
      'pending',
      'firing',
      'resolved',
    ]);
    expect(res.json.serverNames).toEqual({ [serverId]: 'pg1' });
    const none = await call(h(rulePreview.POST), {
      method: 'POST',
      token: token.editor,
      body: { ...body, warning: 50 },
    });
    expect((none.json.preview as { firing: number }).firing).toBe(0);
  });

  it('stores blackouts and lists their upcoming windows; rejects a bad cron', async () => {
    const created = await call(h(blackouts.POST), {
      method: 'POST',
      token: token.editor,
      body: {
        name: 'nightly',
        scopeType: 'server',
        scopeId: serverId,
        cron: '0 2 * * *',
        durationMinutes: 60,
        timezone: 'Europe/Paris',
      },
    });
    expect(created.status).toBe(201);
    const bad = await call(h(blackouts.POST), {
      method: 'POST',
      token: token.editor,
      body: { name: 'x', scopeType: 'global', cron: '61 * * * *', durationMinutes: 5 },
    });
    expect(bad.status).toBe(400);
    const list = await call(h(blackouts.GET), { token: token.viewer });
    const [b] = list.json.blackouts as { upcoming: unknown[] }[];
    expect(b!.upcoming.length).toBeGreaterThanOrEqual(14);
  });

  it('creates channels without exposing secrets (admin only) and sends a test', async () => {
    const received: string[] = [];
    const sink = createServer((req, res) => {
      req.on('data', (c: Buffer) => received.push(c.toString()));
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/secret-path`;
    const body = { type: 'webhook', name: 'ops hook', config: { url } };
    expect(
      (await call(h(channels.POST), { method: 'POST', token: token.editor, body })).status,
    ).toBe(403);
    const created = await call(h(channels.POST), { method: 'POST', token: token.admin, body });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('secret-path');
    const bad = await call(h(channels.POST), {
      method: 'POST',
      token: token.admin,
      body: { type: 'email', name: 'm', config: {} },
    });
    expect(bad.status).toBe(400);
    const listed = await call(h(channels.GET), { token: token.viewer });
    expect(listed.text).not.toContain('secret-path');
    const id = String((created.json.channel as { id: number }).id);
    const test = await call(h(channelTest.POST), {
      method: 'POST',
      token: token.admin,
      params: { id },
    });
    sink.close();
    expect(test.json).toEqual({ ok: true });
    expect(JSON.parse(received.join(''))).toMatchObject({ kind: 'test' });
  });
});
