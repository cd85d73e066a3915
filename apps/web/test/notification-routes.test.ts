import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@pgvigil/db';
import { createApiToken, createUser } from '@pgvigil/db/accounts';
import { createChannel, saveAlertChanges, syncBuiltinRules } from '@pgvigil/db/alerting';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as ack from '@/app/api/v1/alerts/[id]/ack/route';
import * as alertById from '@/app/api/v1/alerts/[id]/route';
import * as escalations from '@/app/api/v1/escalations/route';
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
