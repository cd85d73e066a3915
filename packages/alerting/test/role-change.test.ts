import { describe, expect, it } from 'vitest';
import type { AlertRow } from '@pgvigil/db/alerting';
import {
  BUILTIN_BY_KEY,
  endedWithRole,
  planCycle,
  type PlanInput,
  type PlanRule,
  type RoleChange,
  type Series,
} from '../src';

/** A switchover: the old primary's alert about its standby ends with the move, and resolves. */
const t0 = new Date('2026-05-04T10:00:00Z');
const sec = (s: number) => new Date(t0.getTime() + s * 1000);
const OLD_PRIMARY = 1;
const OLD_STANDBY = 2;
const ELSEWHERE = 3;
const def = BUILTIN_BY_KEY.get('replication_lag_bytes')!;
const rule: PlanRule = {
  id: 1,
  def,
  tuning: { enabled: true, warning: 1024, critical: null, forSeconds: 0 },
  overrides: [],
};
const servers = new Map(
  [
    [OLD_PRIMARY, 'orders-1', 7],
    [OLD_STANDBY, 'orders-2', 7],
    [ELSEWHERE, 'billing', 8],
  ].map(([id, name, clusterId]) => [
    id as number,
    {
      id: id as number,
      name: name as string,
      clusterId: clusterId as number,
      environment: 'production' as const,
    },
  ]),
);
const switchover: RoleChange[] = [
  { serverId: OLD_STANDBY, role: 'primary', lastBefore: sec(0), since: sec(30) },
  { serverId: OLD_PRIMARY, role: 'standby', lastBefore: sec(0), since: sec(30) },
];
const lagSeries = (serverId: number): Series => ({
  serverId,
  database: null,
  object: 'orders-2|10.0.0.2',
  rows: [{ at: sec(0), values: { replay_lag_bytes: 50_000_000 } }],
});
const firing = (serverId: number, id: number): AlertRow =>
  ({
    id,
    rule_id: 1,
    server_id: serverId,
    database_name: null,
    object_key: 'orders-2|10.0.0.2',
    fingerprint: `replication_lag_bytes|${serverId}||orders-2|10.0.0.2`,
    state: 'firing',
    severity: 'warning',
    value: 50_000_000,
    threshold: 1024,
    message: 'lag',
    started_at: sec(-120),
    fired_at: sec(-120),
    notified: true,
    last_notified_at: sec(-120),
    details: {},
    held_by_server_id: null,
    escalation_step: null,
  }) as AlertRow;

function plan(at: Date, opts: { roleChanges?: RoleChange[]; series?: Series[]; open: AlertRow[] }) {
  const input: PlanInput = {
    at,
    rules: [rule],
    series: new Map([['replication_lag_bytes', opts.series ?? []]]),
    servers,
    openAlerts: opts.open,
    blackouts: [],
    channels: [],
    staleSeconds: new Map([['replication', 120]]),
    baseUrl: 'http://pgvigil.test',
    reminderSeconds: 0,
    collectorAlive: true,
    collection: {
      alive: true,
      intervalSeconds: new Map([['replication', 30]]),
      newestSample: new Map(),
    },
    ...(opts.roleChanges ? { roleChanges: opts.roleChanges } : {}),
  };
  return planCycle(input).changes.map((c) => ({
    server: c.serverId,
    state: c.state,
    reason: c.event?.reason ?? null,
  }));
}

describe('alerts whose series ended with a role change', () => {
  it('without the role change, the old value keeps the alert firing (main before the fix)', () => {
    const open = [firing(OLD_PRIMARY, 10)];
    expect(plan(sec(60), { series: [lagSeries(OLD_PRIMARY)], open })).toEqual([]);
  });

  it('resolves, saying so, once the probe had an interval to report in the new roles', () => {
    const open = [firing(OLD_PRIMARY, 10)];
    const series = [lagSeries(OLD_PRIMARY)];
    expect(plan(sec(45), { series, open, roleChanges: switchover })).toEqual([]);
    expect(plan(sec(60), { series, open, roleChanges: switchover })).toEqual([
      {
        server: OLD_PRIMARY,
        state: 'resolved',
        reason:
          'role changed: orders-2 was promoted, orders-1 became a standby; this series ended with the move',
      },
    ]);
  });

  it('resolves an open alert whose rows left the lookback, instead of going to no data', () => {
    const open = [firing(OLD_PRIMARY, 10)];
    expect(plan(sec(900), { open })).toEqual([
      { server: OLD_PRIMARY, state: 'no_data', reason: 'no data for this rule' },
    ]);
    expect(plan(sec(900), { open, roleChanges: switchover })[0]?.state).toBe('resolved');
  });

  it("a peer's promotion counts in its own cluster only", () => {
    const promoted = [switchover[0]!];
    const open = [firing(OLD_PRIMARY, 10), firing(ELSEWHERE, 11)];
    const series = [lagSeries(OLD_PRIMARY), lagSeries(ELSEWHERE)];
    expect(plan(sec(60), { series, open, roleChanges: promoted })).toEqual([
      {
        server: OLD_PRIMARY,
        state: 'resolved',
        reason: 'role changed: orders-2 was promoted; this series ended with the move',
      },
    ]);
  });

  it('leaves a series that continued in the new role, or had ended well before the move', () => {
    const names = new Map<number, string>();
    const judge = (lastRowAt: number) =>
      endedWithRole(switchover, names, 30, { lastRowAt, startedAt: sec(-300) }, sec(120));
    expect(judge(sec(60).getTime())).toBeNull();
    expect(judge(sec(-31).getTime())).toBeNull();
    expect(judge(sec(-30).getTime())).toMatch(/^role changed: server 2 was promoted/);
    // an alert that started after the move is not the move's
    expect(
      endedWithRole(switchover, names, 30, { lastRowAt: null, startedAt: sec(40) }, sec(120)),
    ).toBeNull();
  });
});
