import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBlockingTree,
  getLiveActivity,
  listChangedSettings,
  listSettingChanges,
  type BlockingNode,
  type BlockingPair,
} from '@pgvigil/db/dashboard';
import { ensureMetricTable, writeSamples, type MetricSpec } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const t0 = new Date('2026-03-10T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const pair = (blockedPid: number, blockingPid: number): BlockingPair => ({
  blockedPid,
  blockingPid,
  datname: 'app',
  blockedUser: 'app',
  blockedSeconds: blockedPid,
  blockedQuery: `UPDATE by ${blockedPid}`,
  blockingState: 'idle in transaction',
  blockingQuery: `held by ${blockingPid}`,
});
// the tree as nested pids, e.g. [1, [[2, [[3, []]]]]]
type Shape = [number, Shape[]];
const shape = (n: BlockingNode): Shape => [n.pid, n.blocks.map(shape)];

describe('blocking tree (pure)', () => {
  it('roots chains at the session that waits for nobody', () => {
    const tree = buildBlockingTree([pair(3, 2), pair(2, 1), pair(4, 1), pair(9, 8)]);
    expect(tree.map(shape)).toEqual([
      [
        1,
        [
          [2, [[3, []]]],
          [4, []],
        ],
      ],
      [8, [[9, []]]],
    ]);
    expect(tree[0]).toMatchObject({ state: 'idle in transaction', query: 'held by 1' });
    expect(tree[0]!.blocks[0]).toMatchObject({ state: 'waiting on a lock', blockedSeconds: 2 });
  });

  it('keeps a cycle (a deadlock not yet broken) with its lowest pid as root', () => {
    expect(buildBlockingTree([pair(5, 6), pair(6, 5)]).map(shape)).toEqual([[5, [[6, []]]]]);
    expect(buildBlockingTree([])).toEqual([]);
  });
});

const instance = (name: string, columns: MetricSpec['columns'], changeTracked = false) =>
  ({
    name,
    scope: 'instance',
    intervalSeconds: 15,
    retentionDays: 3,
    changeTracked,
    columns,
  }) as MetricSpec;
const text = (name: string, key = false) => ({ name, type: 'text' as const, key });
const sessions = instance('sessions', [
  { name: 'pid', type: 'int', key: true },
  text('datname'),
  text('state'),
  text('query'),
  { name: 'xact_seconds', type: 'double' },
]);
const blocking = instance('blocking', [
  { name: 'blocked_pid', type: 'int', key: true },
  { name: 'blocking_pid', type: 'int', key: true },
  text('blocked_query'),
  text('blocking_state'),
]);
const settings = instance(
  'settings',
  [
    text('name', true),
    text('setting'),
    text('unit'),
    text('source'),
    { name: 'pending_restart', type: 'boolean' },
  ],
  true,
);

describe.each(testMajors())('live sessions and settings changes on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let serverId: number;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    const [s] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('db', '10.0.0.1', 'pgvigil') RETURNING id`,
    );
    serverId = s!.id;
    for (const m of [sessions, blocking, settings]) await ensureMetricTable(ds.db, m, t0);
    const session = (pid: number, state: string, xact: number | null) => ({
      pid,
      datname: 'app',
      state,
      query: `q${pid}`,
      xact_seconds: xact,
    });
    const setting = (name: string, value: string, source: string, pending = false) => ({
      name,
      setting: value,
      unit: null,
      source,
      pending_restart: pending,
    });
    const snap = (seconds: number, rows: Record<string, unknown>[]) => ({
      collectedAt: at(seconds),
      serverId,
      rows,
    });
    await writeSamples(ds.db, [
      {
        spec: sessions,
        samples: [
          // an older sample: not the live list
          snap(0, [session(99, 'active', 5)]),
          snap(15, [
            session(1, 'idle', null),
            session(2, 'active', 3),
            session(3, 'idle in transaction', 60),
            session(4, 'active', 30),
          ]),
        ],
      },
      {
        spec: blocking,
        samples: [
          snap(15, [
            {
              blocked_pid: 4,
              blocking_pid: 3,
              blocked_query: 'UPDATE t',
              blocking_state: 'idle in transaction',
            },
          ]),
        ],
      },
      {
        spec: settings,
        samples: [
          snap(0, [
            setting('work_mem', '4096', 'default'),
            setting('shared_buffers', '16384', 'configuration file'),
          ]),
          snap(600, [
            setting('work_mem', '8192', 'configuration file'),
            setting('shared_buffers', '16384', 'configuration file'),
          ]),
          snap(1200, [
            setting('work_mem', '8192', 'configuration file'),
            setting('shared_buffers', '16384', 'configuration file', true),
            setting('application_name', 'pgvigil', 'client'),
          ]),
        ],
      },
    ]);
  });
  afterAll(() => ds?.drop());

  it('lists the newest sampled sessions, active and open transactions first, with the blocking tree', async () => {
    const live = await getLiveActivity({ db: ds.db, input: { serverId }, at: at(20) });
    expect(live.sessions.map((s) => s.pid)).toEqual([4, 2, 3, 1]);
    expect(live.sessionsAt).toEqual(at(15));
    expect(live.blockingTree.map(shape)).toEqual([[3, [[4, []]]]]);
    const stale = await getLiveActivity({ db: ds.db, input: { serverId }, at: at(3600) });
    expect(stale).toMatchObject({ sessions: [], sessionsAt: null, blockingTree: [] });
  });

  it('says which setting changed, from what to what, and when', async () => {
    const changes = await listSettingChanges({ db: ds.db, input: { serverId } });
    expect(changes.map((c) => [c.seenAt.toISOString(), c.name, c.before, c.after])).toEqual([
      [at(1200).toISOString(), 'application_name', null, 'pgvigil'],
      [at(1200).toISOString(), 'shared_buffers', '16384', '16384'],
      [at(600).toISOString(), 'work_mem', '4096', '8192'],
    ]);
    expect(changes[1]).toMatchObject({ pendingRestart: true });
    const current = await listChangedSettings({ db: ds.db, input: { serverId } });
    expect(current.map((s) => s.name)).toEqual(['shared_buffers', 'work_mem']);
  });
});
