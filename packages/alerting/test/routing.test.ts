import { describe, expect, it } from 'vitest';
import type { ChannelRow, RouteRow } from '@pgvigil/db/alerting';
import { buildNotifications, type NotifyItem } from '../src/cycle/notifications';
import {
  firstEscalation,
  nextEscalation,
  reachedChannels,
  type EscalationPolicy,
} from '../src/cycle/escalation';
import { routeAlert, type AlertLabels } from '../src/cycle/routing';
import { groupDueAt, groupTiming, joinPayloads, repeatSeconds } from '../src/cycle/timing';

const at = new Date('2026-03-10T12:00:00Z');
const channel = (id: number, over: Partial<ChannelRow> = {}): ChannelRow => ({
  id,
  name: `c${id}`,
  type: 'webhook',
  config: {},
  min_severity: 'warning',
  filters: {},
  enabled: true,
  created_at: at,
  ...over,
});
const route = (id: number, over: Partial<RouteRow>): RouteRow => ({
  id,
  name: `r${id}`,
  position: id,
  match: {},
  channel_ids: [],
  continue: false,
  enabled: true,
  escalation_id: null,
  group_wait_seconds: null,
  group_interval_seconds: null,
  repeat_interval_seconds: null,
  created_at: at,
  ...over,
});
const labels = (over: Partial<AlertLabels> = {}): AlertLabels => ({
  severity: 'warning',
  rule: 'connections_used',
  ruleKind: 'builtin',
  environment: 'production',
  clusterId: 7,
  serverTags: ['payments', 'eu'],
  ...over,
});
const channels = [channel(1), channel(2), channel(3, { min_severity: 'critical' }), channel(4)];
const ids = (r: { channels: ChannelRow[] }) => r.channels.map((c) => c.id);

describe('notification routes', () => {
  it('without routes, takes the default route: channels by their own minimum severity', () => {
    const r = routeAlert([], channels, labels());
    expect(r.routes).toEqual([]);
    expect(ids(r)).toEqual([1, 2, 4]);
  });

  it('stops at the first matching route; its channels get the alert whatever their minimum', () => {
    const routes = [
      route(1, { match: { environments: ['staging'] }, channel_ids: [1] }),
      route(2, { match: { serverTags: ['payments'], severities: ['warning'] }, channel_ids: [3] }),
      route(3, { match: {}, channel_ids: [4] }),
    ];
    const r = routeAlert(routes, channels, labels());
    expect(r.routes.map((x) => x.id)).toEqual([2]);
    expect(ids(r)).toEqual([3]);
  });

  it('continues past a route that says so, and needs every listed tag', () => {
    const routes = [
      route(1, { match: { rules: ['connections_used'] }, channel_ids: [1], continue: true }),
      route(2, { match: { serverTags: ['payments', 'us'] }, channel_ids: [2] }),
      route(3, { match: { clusterIds: [7], ruleKinds: ['builtin'] }, channel_ids: [4] }),
    ];
    const r = routeAlert(routes, channels, labels());
    expect(r.routes.map((x) => x.id)).toEqual([1, 3]);
    expect(ids(r)).toEqual([1, 4]);
  });

  it('falls back to the default route when nothing matches; skips disabled routes and channels', () => {
    const routes = [
      route(1, { match: { environments: ['staging'] }, channel_ids: [1] }),
      route(2, { match: {}, channel_ids: [2], enabled: false }),
    ];
    expect(ids(routeAlert(routes, channels, labels({ severity: 'critical' })))).toEqual([
      1, 2, 3, 4,
    ]);
    const off = [channel(1, { enabled: false }), channel(2)];
    expect(ids(routeAlert([route(1, { channel_ids: [1, 2] })], off, labels()))).toEqual([2]);
  });

  it('decides the channels of each grouped message in the planner', () => {
    const item: NotifyItem = {
      kind: 'firing',
      fingerprint: 'connections_used|1||',
      severity: 'critical',
      rule: { key: 'connections_used', name: 'Connections used', runbook: '' },
      ruleKind: 'builtin',
      server: { id: 1, name: 'pg1', clusterId: 7, environment: 'production', tags: ['payments'] },
      database: null,
      object: null,
      value: 95,
      threshold: 90,
      unit: 'percent',
      message: 'Connections used: 95 %',
      since: at,
    };
    const routes = [route(1, { match: { serverTags: ['payments'] }, channel_ids: [2, 4] })];
    const out = buildNotifications([item], channels, at, 'http://pg.test', routes);
    expect(out.map((n) => n.channelId)).toEqual([2, 4]);
  });
});

describe('escalation policies', () => {
  const policy = (repeat: boolean): EscalationPolicy => ({
    id: 1,
    name: 'on-call',
    steps: [
      { channelIds: [1], waitMinutes: 5 },
      { channelIds: [2, 3], waitMinutes: 10 },
    ],
    repeat,
  });
  const later = (m: number) => new Date(at.getTime() + m * 60_000);

  it('notifies step 1 with the firing message, then step 2 after its wait, then ends', () => {
    const p = policy(false);
    expect(firstEscalation(p, at)).toEqual({ step: 0, channelIds: [1], nextAt: later(5) });
    expect(nextEscalation(p, 0, later(5))).toEqual({
      step: 1,
      channelIds: [2, 3],
      nextAt: null,
    });
    expect(nextEscalation(p, 1, later(15))).toBeNull();
    expect(reachedChannels(p, 0)).toEqual([1]);
    expect(reachedChannels(p, 1)).toEqual([1, 2, 3]);
  });

  it('starts over after the last step when it repeats', () => {
    const p = policy(true);
    expect(nextEscalation(p, 0, at)?.nextAt).toEqual(later(10));
    expect(nextEscalation(p, 1, at)).toEqual({ step: 2, channelIds: [1], nextAt: later(5) });
    expect(reachedChannels(p, 5)).toEqual([1, 2, 3]);
  });

  it('adds the first step to a firing message on its route and says so', () => {
    const routes = [route(1, { channel_ids: [4], escalation_id: 1 })];
    const item: NotifyItem = {
      kind: 'firing',
      fingerprint: 'connections_used|1||',
      severity: 'warning',
      rule: { key: 'connections_used', name: 'Connections used', runbook: '' },
      server: null,
      database: null,
      object: null,
      value: 85,
      threshold: 80,
      unit: 'percent',
      message: 'Connections used: 85 %',
      since: at,
    };
    const out = buildNotifications(
      [item],
      channels,
      at,
      'x',
      routes,
      new Map([[1, policy(false)]]),
    );
    expect(out.map((n) => n.channelId).sort()).toEqual([1, 4]);
    expect(out[0]!.escalation).toMatchObject({ policyId: 1, nextAt: later(5) });
    // a resolve reaches every channel the escalation notified
    const resolved = buildNotifications(
      [{ ...item, kind: 'resolved', escalationStep: 1 }],
      channels,
      at,
      'x',
      routes,
      new Map([[1, policy(false)]]),
    );
    expect(resolved.map((n) => n.channelId).sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('route timing (group wait, group interval, repeat interval)', () => {
  const s = (n: number) => new Date(at.getTime() + n * 1000);
  const timed = (over: Partial<RouteRow>) => route(1, { channel_ids: [1], ...over });

  it('takes each value from the first route taken that sets it; none: sent at once', () => {
    expect(groupTiming([route(1, {})])).toBeNull();
    expect(
      groupTiming([
        timed({ group_wait_seconds: 30 }),
        route(2, { group_wait_seconds: 99, group_interval_seconds: 300 }),
      ]),
    ).toEqual({ waitSeconds: 30, intervalSeconds: 300 });
    expect(repeatSeconds([route(1, {})], 14_400)).toBe(14_400);
    expect(repeatSeconds([route(1, {}), route(2, { repeat_interval_seconds: 600 })], 14_400)).toBe(
      600,
    );
    expect(repeatSeconds([timed({ repeat_interval_seconds: 0 })], 14_400)).toBe(0);
  });

  it('holds a new group for its wait; an update until the interval since the last message', () => {
    const t = { waitSeconds: 30, intervalSeconds: 300 };
    // nothing sent before: a new group waits 30 s
    expect(groupDueAt(t, s(0), null)).toEqual(s(30));
    // sent at 30 s: an update at 60 s goes out 300 s after it
    expect(groupDueAt(t, s(60), s(30))).toEqual(s(330));
    // long after the last message: a new group again
    expect(groupDueAt(t, s(1000), s(30))).toEqual(s(1030));
  });

  it('marks firing and resolved messages of a timed route with their group; not reminders', () => {
    const item = (kind: NotifyItem['kind'], object: string): NotifyItem => ({
      kind,
      fingerprint: `dead_tuples|1||${object}`,
      severity: 'warning',
      rule: { key: 'dead_tuples', name: 'Dead tuples', runbook: '' },
      server: { id: 1, name: 'pg1', clusterId: null, environment: 'production' },
      database: 'app',
      object,
      value: 1,
      threshold: 1,
      unit: 'count',
      message: object,
      since: at,
    });
    const routes = [timed({ group_wait_seconds: 30, group_interval_seconds: 300 })];
    const [firing] = buildNotifications([item('firing', 'a')], [channel(1)], at, 'x', routes);
    expect(firing!.group).toEqual({
      key: 'dead_tuples|1',
      timing: { waitSeconds: 30, intervalSeconds: 300 },
    });
    const [reminder] = buildNotifications([item('reminder', 'a')], [channel(1)], at, 'x', routes);
    expect(reminder!.group).toBeUndefined();
    const [untimed] = buildNotifications([item('firing', 'a')], [channel(1)], at, 'x', [
      route(1, { channel_ids: [1] }),
    ]);
    expect(untimed!.group).toBeUndefined();

    // a later message of the group joins the waiting one: all items, one count, the list link
    const [later] = buildNotifications(
      [item('firing', 'b'), item('firing', 'c')],
      [channel(1)],
      s(10),
      'http://pg.test',
      routes,
    );
    const joined = joinPayloads(firing!.payload, later!.payload, 'http://pg.test/');
    expect(joined.items.map((i) => i.object)).toEqual(['a', 'b', 'c']);
    expect(joined.title).toBe('Dead tuples on pg1 (3) firing');
    expect(joined.link).toBe('http://pg.test/alerts?rule=dead_tuples&server=1');
  });
});
