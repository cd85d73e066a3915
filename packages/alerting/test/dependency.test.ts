import { describe, expect, it } from 'vitest';
import type { AlertChange, AlertRow, ChannelRow } from '@pgvigil/db/alerting';
import {
  BUILTIN_BY_KEY,
  planCycle,
  type PlanInput,
  type PlanRule,
  type PlanServer,
  type Series,
} from '../src';

/**
 * Suppression by dependency through the whole pure cycle: a primary goes down while
 * one of its own alerts and its standby's link alert would page; one message says so.
 */
const t0 = new Date('2026-05-04T10:00:00Z');
const at = (m: number) => new Date(t0.getTime() + m * 60_000);
const PRIMARY = 1;
const STANDBY = 2;
const OTHER = 3;

const rule = (id: number, key: string): PlanRule => {
  const def = BUILTIN_BY_KEY.get(key)!;
  return {
    id,
    def,
    tuning: {
      enabled: true,
      warning: def.warning,
      critical: def.critical,
      forSeconds: 0,
    },
    overrides: [],
  };
};
const RULES = [
  rule(1, 'server_down'),
  rule(2, 'connections_used'),
  rule(3, 'standby_disconnected'),
];
const server = (id: number, name: string, clusterId: number | null): PlanServer => ({
  id,
  name,
  clusterId,
  clusterName: clusterId === null ? null : 'orders',
  environment: 'production',
});
const SERVERS = new Map([
  [PRIMARY, server(PRIMARY, 'orders-primary', 7)],
  [STANDBY, server(STANDBY, 'orders-standby', 7)],
  [OTHER, server(OTHER, 'billing', null)],
]);
const channel: ChannelRow = {
  id: 1,
  name: 'on-call',
  type: 'webhook',
  config: {},
  min_severity: 'info',
  filters: {},
  enabled: true,
  created_at: t0,
};

interface World {
  /** which servers answer */
  up: Set<number>;
  /** standbys streaming */
  streaming: boolean;
  /** connections used per server, percent */
  connections: Map<number, number>;
}

function seriesAt(m: number, w: World): Map<string, Series[]> {
  const row = (values: Record<string, unknown>) => [{ at: at(m), values }];
  const one = (serverId: number, values: Record<string, unknown>): Series => ({
    serverId,
    database: null,
    object: null,
    rows: row(values),
  });
  const ids = [...SERVERS.keys()];
  return new Map([
    ['server_down', ids.map((id) => one(id, { up: w.up.has(id) }))],
    [
      'connections_used',
      ids
        .filter((id) => w.up.has(id))
        .map((id) =>
          one(id, {
            total_sessions: w.connections.get(id) ?? 10,
            max_connections: 103,
            reserved_connections: 3,
          }),
        ),
    ],
    [
      'standby_disconnected',
      w.up.has(STANDBY)
        ? [one(STANDBY, { in_recovery: true, status: w.streaming ? 'streaming' : null })]
        : [],
    ],
  ]);
}

let nextId = 100;
/** the alert rows after a cycle's changes, as the datastore would keep them */
function apply(open: AlertRow[], changes: AlertChange[]): AlertRow[] {
  const byFp = new Map(open.map((a) => [a.fingerprint, a]));
  for (const c of changes) {
    const was = byFp.get(c.fingerprint);
    const closed = c.state === 'ok' || c.state === 'resolved';
    const row: AlertRow = {
      ...(was ?? ({} as AlertRow)),
      id: c.id ?? was?.id ?? nextId++,
      rule_id: c.ruleId,
      server_id: c.serverId,
      database_name: c.databaseName,
      object_key: c.objectKey,
      fingerprint: c.fingerprint,
      state: c.state,
      severity: c.severity,
      value: c.value,
      threshold: c.threshold,
      message: c.message,
      started_at: c.startedAt,
      fired_at: c.firedAt,
      notified: c.notified,
      last_notified_at: c.lastNotifiedAt,
      details: c.details ?? {},
      held_by_server_id: closed
        ? null
        : c.heldBy === undefined
          ? (was?.held_by_server_id ?? null)
          : c.heldBy,
    };
    if (closed) byFp.delete(c.fingerprint);
    else byFp.set(c.fingerprint, row);
  }
  return [...byFp.values()];
}

function simulate() {
  let open: AlertRow[] = [];
  const events: string[] = [];
  return {
    cycle(m: number, w: World) {
      const input: PlanInput = {
        at: at(m),
        rules: RULES,
        series: seriesAt(m, w),
        servers: SERVERS,
        openAlerts: open,
        blackouts: [],
        channels: [channel],
        staleSeconds: new Map(),
        baseUrl: 'http://pgvigil.test',
        reminderSeconds: 0,
        primaries: new Set([PRIMARY]),
      };
      const plan = planCycle(input);
      for (const c of plan.changes) if (c.event) events.push(`${c.fingerprint} ${c.event.reason}`);
      open = apply(open, plan.changes);
      return plan.notifications.map((n) => ({
        kind: n.kind,
        title: n.payload.title,
        messages: n.payload.items.map((i) => i.message),
      }));
    },
    held: () => open.filter((a) => a.held_by_server_id != null).map((a) => a.fingerprint),
    open: () => open,
    events,
  };
}

const allUp = (): World => ({
  up: new Set([PRIMARY, STANDBY, OTHER]),
  streaming: true,
  connections: new Map([
    [PRIMARY, 95],
    [OTHER, 95],
  ]),
});
const primaryDown = (): World => ({
  up: new Set([STANDBY, OTHER]),
  streaming: false,
  connections: new Map([[OTHER, 95]]),
});

describe('suppression by dependency', () => {
  it('a primary down sends one message naming the alerts it holds', () => {
    const s = simulate();
    expect(
      s
        .cycle(0, allUp())
        .map((n) => n.title)
        .sort(),
    ).toEqual(['Connections used on billing firing', 'Connections used on orders-primary firing']);

    const down = s.cycle(1, primaryDown());
    // the standby's link alert is held: one message
    expect(down.map((n) => n.title)).toEqual(['Server down on orders-primary firing']);
    const message = down.find((n) => n.title.startsWith('Server down'))!.messages[0];
    expect(message).toBe(
      'orders-primary down; 2 dependent alerts held: Connections used, Standby not streaming (orders-standby)',
    );
    expect(s.held().sort()).toEqual(['connections_used|1||', 'standby_disconnected|2||']);
    expect(s.events).toContain(
      'standby_disconnected|2|| condition held for 0s (value 1); held: orders-primary down',
    );
    expect(s.events).toContain(
      'connections_used|1|| no data for this rule; held: orders-primary down',
    );

    // while it lasts, nothing more
    expect(s.cycle(2, primaryDown())).toEqual([]);
  });

  it('releases held alerts with their state: one still breaching notifies, a cleared one never does', () => {
    const s = simulate();
    s.cycle(0, allUp());
    s.cycle(1, primaryDown());
    // the primary is back, the standby still not streaming: its alert is sent now
    const back = s.cycle(2, { ...allUp(), streaming: false });
    expect(back.map((n) => n.title).sort()).toEqual([
      'Server down on orders-primary resolved',
      'Standby not streaming on orders-standby firing',
    ]);
    expect(s.held()).toEqual([]);
    expect(s.events).toContain('standby_disconnected|2|| released: orders-primary no longer down');

    const t = simulate();
    t.cycle(0, allUp());
    t.cycle(1, primaryDown());
    // back with the standby streaming again: its alert resolves, and was never sent
    expect(t.cycle(2, allUp()).map((n) => n.title)).toEqual([
      'Server down on orders-primary resolved',
    ]);
    expect(t.open().map((a) => a.fingerprint)).not.toContain('standby_disconnected|2||');
    // the primary's own alert, sent before the outage, carries on without a second message
    expect(t.open().find((a) => a.fingerprint === 'connections_used|1||')?.state).toBe('firing');
  });

  it('a standby link alert of a server outside the cluster, or with its primary up, is sent', () => {
    const s = simulate();
    s.cycle(0, allUp());
    const out = s.cycle(1, { ...allUp(), streaming: false });
    expect(out.map((n) => n.title)).toEqual(['Standby not streaming on orders-standby firing']);
  });

  it('a cluster-wide incident is one message naming the members down and what they hold', () => {
    const s = simulate();
    s.cycle(0, allUp());
    const clusterDown: World = {
      up: new Set([OTHER]),
      streaming: false,
      connections: new Map([[OTHER, 95]]),
    };
    const down = s.cycle(1, clusterDown);
    expect(down).toEqual([
      {
        kind: 'firing',
        title:
          'orders: 2 of 2 members down (orders-primary, orders-standby); 1 dependent alert held',
        messages: [
          'orders-primary down; 1 dependent alert held: Connections used',
          'orders-standby down',
        ],
      },
    ]);
    // one member back is that member's resolve; the last one too
    const back = s.cycle(2, allUp());
    expect(back.map((n) => n.title)).toEqual([
      'orders: 2 of 2 members back up (orders-primary, orders-standby)',
    ]);
  });
});
