import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@pgvigil/db';
import { createApiToken, createUser } from '@pgvigil/db/accounts';
import { createChannel, saveAlertChanges, syncBuiltinRules } from '@pgvigil/db/alerting';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as ack from '@/app/api/v1/alerts/[id]/ack/route';
import * as alertById from '@/app/api/v1/alerts/[id]/route';
import * as escalationById from '@/app/api/v1/escalations/[id]/route';
import * as escalations from '@/app/api/v1/escalations/route';
import * as routeById from '@/app/api/v1/routes/[id]/route';
import * as routeOrder from '@/app/api/v1/routes/order/route';
import * as routes from '@/app/api/v1/routes/route';
import * as routeTest from '@/app/api/v1/routes/test/route';
import { digest, newApiToken } from '@/server/auth';
import { call, webDatastore, type Handler } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;

describe(`notification routes API on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  const token: Partial<Record<Role, string>> = {};
  const channel: Record<string, number> = {};

  beforeAll(async () => {
    ds = await webDatastore(major);
    for (const role of ['admin', 'viewer'] as const) {
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
    for (const [name, minSeverity] of [
      ['team-chat', 'warning'],
      ['pager', 'critical'],
      ['dba-mail', 'warning'],
    ] as const) {
      const c = await createChannel(ds.db, {
        name,
        type: 'webhook',
        config: {},
        secretEnc: null,
        minSeverity,
      });
      channel[name] = c.id;
    }
  });
  afterAll(() => ds?.drop());

  const tryRoute = async (labels: Record<string, unknown>) => {
    const res = await call(h(routeTest.POST), {
      method: 'POST',
      token: token.viewer,
      body: labels,
    });
    expect(res.status).toBe(200);
    return res.json as {
      routes: { name: string }[];
      defaultRoute: boolean;
      channels: { name: string }[];
    };
  };

  it('answers the default route (channels by their minimum severity) while none is defined', async () => {
    const r = await tryRoute({ severity: 'warning', rule: 'connections_used' });
    expect(r.defaultRoute).toBe(true);
    expect(r.channels.map((c) => c.name).sort()).toEqual(['dba-mail', 'team-chat']);
  });

  it('creates routes (admin only), lists them in order and routes by their match', async () => {
    const payments = {
      name: 'payments to the pager',
      match: { serverTags: ['payments'], environments: ['production'] },
      channelIds: [channel.pager!],
    };
    expect(
      (await call(h(routes.POST), { method: 'POST', token: token.viewer, body: payments })).status,
    ).toBe(403);
    const created = await call(h(routes.POST), {
      method: 'POST',
      token: token.admin,
      body: payments,
    });
    expect(created.status).toBe(201);
    const first = await call(h(routes.POST), {
      method: 'POST',
      token: token.admin,
      body: {
        name: 'storage also to the DBAs',
        match: { rules: ['disk_space'] },
        channelIds: [channel['dba-mail']!],
        continue: true,
        position: 0,
      },
    });
    expect(first.status).toBe(201);
    const unknown = await call(h(routes.POST), {
      method: 'POST',
      token: token.admin,
      body: { name: 'x', channelIds: [999_999] },
    });
    expect(unknown.status).toBe(400);

    const listed = await call(h(routes.GET), { token: token.viewer });
    expect((listed.json.routes as { name: string }[]).map((r) => r.name)).toEqual([
      'storage also to the DBAs',
      'payments to the pager',
    ]);

    // a warning on a payments server goes to the pager, below its own minimum severity
    const paged = await tryRoute({
      severity: 'warning',
      rule: 'connections_used',
      environment: 'production',
      serverTags: ['payments', 'eu'],
    });
    expect(paged.routes.map((r) => r.name)).toEqual(['payments to the pager']);
    expect(paged.channels.map((c) => c.name)).toEqual(['pager']);
    // `continue`: the storage route and then the payments route
    const both = await tryRoute({
      severity: 'critical',
      rule: 'disk_space',
      environment: 'production',
      serverTags: ['payments'],
    });
    expect(both.routes.map((r) => r.name)).toEqual([
      'storage also to the DBAs',
      'payments to the pager',
    ]);
    expect(both.channels.map((c) => c.name).sort()).toEqual(['dba-mail', 'pager']);
    // staging matches nothing: the default route
    const staging = await tryRoute({
      severity: 'critical',
      rule: 'connections_used',
      environment: 'staging',
    });
    expect(staging.defaultRoute).toBe(true);
    expect(staging.channels.map((c) => c.name).sort()).toEqual(['dba-mail', 'pager', 'team-chat']);
  });

  it('creates escalation policies (admin only) that a route names', async () => {
    const body = {
      name: 'dba on-call',
      steps: [
        { channelIds: [channel['team-chat']!], waitMinutes: 5 },
        { channelIds: [channel.pager!], waitMinutes: 15 },
      ],
      repeat: true,
    };
    expect(
      (await call(h(escalations.POST), { method: 'POST', token: token.viewer, body })).status,
    ).toBe(403);
    const created = await call(h(escalations.POST), { method: 'POST', token: token.admin, body });
    expect(created.status).toBe(201);
    const policy = created.json.escalation as { id: number };
    const again = await call(h(escalations.POST), { method: 'POST', token: token.admin, body });
    expect(again.status).toBe(400);
    const listed = await call(h(escalations.GET), { token: token.viewer });
    expect(listed.json.escalations).toEqual([
      expect.objectContaining({ name: 'dba on-call', repeat: true, steps: body.steps }),
    ]);
    const withPolicy = await call(h(routes.POST), {
      method: 'POST',
      token: token.admin,
      body: { name: 'all to on-call', channelIds: [channel.pager!], escalationId: policy.id },
    });
    expect(withPolicy.status).toBe(201);
    expect(withPolicy.json.route).toMatchObject({ escalationId: policy.id });
    const noPolicy = await call(h(routes.POST), {
      method: 'POST',
      token: token.admin,
      body: { name: 'nowhere', channelIds: [channel.pager!], escalationId: 999_999 },
    });
    expect(noPolicy.status).toBe(400);
  });

  it('edits, reorders and deletes routes and policies (admin only), each in the audit log', async () => {
    const names = async () =>
      ((await call(h(routes.GET), { token: token.viewer })).json.routes as Route[]).map(
        (r) => r.name,
      );
    type Route = { id: number; name: string; position: number };
    const list = (await call(h(routes.GET), { token: token.viewer })).json.routes as Route[];
    const byName = (n: string) => list.find((r) => r.name === n)!;
    const payments = byName('payments to the pager');
    const params = { id: String(payments.id) };

    const body = {
      name: 'payments (all severities)',
      match: { serverTags: ['payments'] },
      groupWaitSeconds: 30,
      repeatIntervalSeconds: 900,
    };
    expect(
      (await call(h(routeById.PATCH), { method: 'PATCH', token: token.viewer, params, body }))
        .status,
    ).toBe(403);
    const patched = await call(h(routeById.PATCH), {
      method: 'PATCH',
      token: token.admin,
      params,
      body,
    });
    expect(patched.status).toBe(200);
    expect(patched.json.route).toMatchObject({
      ...body,
      position: payments.position,
      channelIds: [channel.pager],
    });
    // staging payments now reach the pager: the tester sees the edit
    const staging = await tryRoute({ severity: 'warning', rule: 'x', serverTags: ['payments'] });
    expect(staging.routes.map((r) => r.name)).toEqual(['payments (all severities)']);
    const missing = await call(h(routeById.PATCH), {
      method: 'PATCH',
      token: token.admin,
      params: { id: '999999' },
      body,
    });
    expect(missing.status).toBe(404);

    // move the last route first: the whole order, atomically
    const order = list.map((r) => r.id);
    const moved = [order.at(-1)!, ...order.slice(0, -1)];
    expect(
      (
        await call(h(routeOrder.PUT), {
          method: 'PUT',
          token: token.viewer,
          body: { ids: moved },
        })
      ).status,
    ).toBe(403);
    const reordered = await call(h(routeOrder.PUT), {
      method: 'PUT',
      token: token.admin,
      body: { ids: moved },
    });
    expect(reordered.status).toBe(200);
    expect((reordered.json.routes as Route[]).map((r) => [r.id, r.position])).toEqual(
      moved.map((id, i) => [id, i]),
    );
    // a stale order (one route missing) is refused, nothing moves
    const stale = await call(h(routeOrder.PUT), {
      method: 'PUT',
      token: token.admin,
      body: { ids: moved.slice(1) },
    });
    expect(stale.status).toBe(409);
    expect(await names()).toEqual(
      moved.map((id) => (id === payments.id ? body.name : list.find((r) => r.id === id)!.name)),
    );

    // a policy in use cannot be deleted: 409 naming the route
    const policies = (await call(h(escalations.GET), { token: token.viewer })).json.escalations as {
      id: number;
      name: string;
    }[];
    const policy = { id: String(policies[0]!.id) };
    const inUse = await call(h(escalationById.DELETE), {
      method: 'DELETE',
      token: token.admin,
      params: policy,
    });
    expect(inUse.status).toBe(409);
    expect((inUse.json.error as { message: string }).message).toContain('"all to on-call"');
    const renamed = await call(h(escalationById.PATCH), {
      method: 'PATCH',
      token: token.admin,
      params: policy,
      body: { name: 'DBA on-call', steps: [{ channelIds: [channel.pager!], waitMinutes: 10 }] },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json.escalation).toMatchObject({ name: 'DBA on-call', repeat: true });

    // delete the route that named it (its followers move up), then the policy
    const user = byName('all to on-call');
    expect(
      (
        await call(h(routeById.DELETE), {
          method: 'DELETE',
          token: token.viewer,
          params: { id: String(user.id) },
        })
      ).status,
    ).toBe(403);
    const gone = await call(h(routeById.DELETE), {
      method: 'DELETE',
      token: token.admin,
      params: { id: String(user.id) },
    });
    expect(gone.status).toBe(204);
    const left = (await call(h(routes.GET), { token: token.viewer })).json.routes as Route[];
    expect(left.map((r) => r.position)).toEqual(left.map((_, i) => i));
    expect(left.some((r) => r.id === user.id)).toBe(false);
    expect(
      (
        await call(h(escalationById.DELETE), {
          method: 'DELETE',
          token: token.admin,
          params: policy,
        })
      ).status,
    ).toBe(204);
    expect((await call(h(escalations.GET), { token: token.viewer })).json.escalations).toEqual([]);

    const audited = await ds.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE action ~ '^(route|escalation)\\.' ORDER BY id`,
    );
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'route.update',
        'route.reorder',
        'escalation.update',
        'route.delete',
        'escalation.delete',
      ]),
    );
  });

  it('acknowledges for a while, naming the owner, on the timeline', async () => {
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
    const [rule] = await ds.db.query<{ id: number }>(`SELECT id FROM rules`);
    const [server] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('pg1', '127.0.0.1', 'm') RETURNING id`,
    );
    const at = new Date();
    const [saved] = await saveAlertChanges(ds.db, [
      {
        id: null,
        ruleId: rule!.id,
        serverId: server!.id,
        databaseName: null,
        objectKey: null,
        fingerprint: `connections_used|${server!.id}||`,
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
    const params = { id: String(saved!.alertId) };
    const acked = await call(h(ack.POST), {
      method: 'POST',
      token: token.admin,
      params,
      body: { comment: 'taking it', forMinutes: 120 },
    });
    expect(acked.status).toBe(204);
    const detail = await call(h(alertById.GET), { token: token.viewer, params });
    const a = detail.json.alert as {
      acknowledgedAt: string;
      ackUntil: string;
      ownerId: number;
      events: { reason: string }[];
    };
    expect(Date.parse(a.ackUntil) - Date.parse(a.acknowledgedAt)).toBe(120 * 60_000);
    const [admin] = await ds.db.query<{ id: number }>(
      `SELECT id FROM users WHERE username = 'u-admin'`,
    );
    expect(a.ownerId).toBe(admin!.id);
    expect(a.events.at(-1)!.reason).toMatch(
      /^acknowledged until \S+ \(owner u-admin\): taking it$/,
    );
  });
});
