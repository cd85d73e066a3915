import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import {
  createCluster,
  listPatroniClusters,
  recordPatroniPoll,
  registerPatroniMembers,
  setClusterPatroniUrl,
} from '@pgvigil/db/registry';
import {
  freshDatastore,
  PATRONI_SUPERUSER_PASSWORD,
  patroniUnavailable,
  startPatroni,
  testMajors,
  type TestDatastore,
  type TestPatroni,
} from '@pgvigil/db/testing';
import { syncCatalog } from '@pgvigil/alerting';
import {
  matchMembers,
  PATRONI_METRIC,
  patroniEvents,
  patroniRows,
  readPatroni,
  type PatroniView,
} from '@pgvigil/probes';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../src/cycle/run';
import { box, until } from './fixtures';

/**
 * The Patroni rules against a real two-member Patroni cluster: each condition is made
 * for real (maintenance mode, a stopped leader, a replica cut from its WAL, synchronous
 * mode with no standby able to be synchronous), the test reads the REST API as the
 * collector's poller does, writes its rows at a synthetic time and runs a cycle.
 */
const RULES = [
  'patroni_paused',
  'patroni_no_leader',
  'patroni_member_not_running',
  'patroni_lag_over_failover_limit',
  'patroni_sync_standby_missing',
] as const;
type Key = (typeof RULES)[number];

describe.skipIf(patroniUnavailable() !== null)('Patroni rules on a real Patroni cluster', () => {
  let cluster: TestPatroni;
  let ds: TestDatastore;
  let clusterId: number;
  const serverOf = new Map<string, number>();
  let at = new Date();

  beforeAll(async () => {
    [cluster, ds] = await Promise.all([startPatroni(2), freshDatastore(testMajors()[0]!)]);
    await syncCatalog(ds.db);
    await ensureMetricTable(ds.db, PATRONI_METRIC, at);
    for (const rule of await listRules(ds.db))
      if ((RULES as readonly string[]).includes(rule.key))
        await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    clusterId = (await createCluster(ds.db, { name: 'pg-ha' })).id;
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 't', startedAt: at });
  });
  afterAll(async () => {
    await cluster?.stop();
    await ds?.drop();
  });

  const view = () => readPatroni(cluster.api);
  const patch = (body: unknown) =>
    fetch(`${cluster.api}/config`, { method: 'PATCH', body: JSON.stringify(body) });
  const sql = async (member: 0 | 1, text: string) => {
    const c = new pg.Client({ connectionString: cluster.url(cluster.members[member]!) });
    await c.connect();
    try {
      return (await c.query(text)).rows;
    } finally {
      await c.end();
    }
  };
  /** the last view a `seen` check accepted: the next step polls that one (a later read
   *  on a loaded machine can already show Patroni mid-way to something else) */
  let accepted: PatroniView | null = null;
  const seen = (what: string, check: (v: PatroniView) => boolean) =>
    until(
      what,
      async () => {
        const v = await view().catch(() => null);
        if (!v || !check(v)) return false;
        accepted = v;
        return true;
      },
      60_000,
    );

  /** The collector's poll (of the view `seen` accepted, else a fresh one) and the alerter's cycle, one minute later. */
  async function step() {
    at = new Date(at.getTime() + 60_000);
    const [c] = await listPatroniClusters(ds.db);
    const v = accepted ?? (await view());
    accepted = null;
    const ids = matchMembers(v, c!.servers);
    const rows = patroniRows(v, ids);
    await writeSamples(ds.db, [
      {
        spec: PATRONI_METRIC,
        samples: rows.map((r) => ({ collectedAt: at, serverId: r.serverId, rows: [r.row] })),
      },
    ]);
    await recordPatroniPoll(ds.db, clusterId, at, {
      ok: true,
      leader: v.leader,
      timeline: v.timeline,
      view: v,
      events: patroniEvents(c!, v, at).map((e) => ({ ...e, serverId: null })),
    });
    await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
  }
  async function state(key: Key, member = 'm1') {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    const serverId = serverOf.get(member)!;
    return (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
  }

  it('discovers members, roles, state, timeline and the DCS settings from the REST API', async () => {
    const v = await view();
    expect(v).toMatchObject({
      scope: cluster.scope,
      leader: 'm1',
      timeline: 1,
      paused: false,
      synchronousMode: false,
      maximumLagOnFailover: 1048576,
      scheduledSwitchover: null,
      history: [],
    });
    expect(v.members).toEqual([
      expect.objectContaining({
        name: 'm1',
        role: 'leader',
        state: 'running',
        host: '127.0.0.1',
        port: cluster.members[0]!.pgPort,
        timeline: 1,
        pendingRestart: false,
      }),
      expect.objectContaining({ name: 'm2', role: 'replica', state: 'running', lagBytes: 0 }),
    ]);
  });

  it('registers the members as servers of the cluster with one action, once', async () => {
    await setClusterPatroniUrl(ds.db, clusterId, cluster.api);
    const v = await view();
    const login = { username: 'postgres', password: PATRONI_SUPERUSER_PASSWORD };
    const created = await registerPatroniMembers(ds.db, box, clusterId, v.members, login);
    expect(created.map((s) => [s.name, s.port])).toEqual([
      ['pg-ha-m1', cluster.members[0]!.pgPort],
      ['pg-ha-m2', cluster.members[1]!.pgPort],
    ]);
    for (const s of created) serverOf.set(s.name.slice('pg-ha-'.length), s.id);
    // again: nothing new, and the first server's login serves when none is given
    expect(await registerPatroniMembers(ds.db, box, clusterId, v.members, {})).toEqual([]);
    await step();
    for (const key of RULES) expect([key, await state(key)]).toEqual([key, 'none']);
  });

  it("patroni_paused and patroni_lag_over_failover_limit: a replica cut from the leader's WAL in maintenance mode", async () => {
    await patch({ pause: true });
    await seen('paused', (v) => v.paused);
    // cut m2's WAL receiver (Patroni leaves it so while paused), then write 2 MB
    await sql(1, `ALTER SYSTEM SET primary_conninfo = ''`);
    await sql(1, 'SELECT pg_reload_conf()');
    await sql(
      0,
      'CREATE TABLE filler AS SELECT repeat(md5(g::text), 8) AS t FROM generate_series(1, 8000) g',
    );
    await seen(
      'm2 behind, still paused',
      (v) => v.paused && (v.members.find((m) => m.name === 'm2')?.lagBytes ?? 0) > 1048576,
    );
    await step();
    expect(await state('patroni_paused')).toBe('firing');
    expect(await state('patroni_lag_over_failover_limit', 'm2')).toBe('firing');
    expect(await state('patroni_lag_over_failover_limit', 'm1')).toBe('none');

    await sql(1, 'ALTER SYSTEM RESET primary_conninfo');
    await sql(1, 'SELECT pg_reload_conf()');
    await seen('m2 caught up', (v) => v.members.find((m) => m.name === 'm2')?.lagBytes === 0);
    await step();
    expect(await state('patroni_lag_over_failover_limit', 'm2')).toBe('resolved');
  });

  it('patroni_no_leader and patroni_member_not_running: the leader stopped in maintenance mode', async () => {
    cluster.pgCtl(cluster.members[0]!, 'stop');
    await seen(
      'no leader, m1 not running',
      (v) =>
        v.leader === null &&
        v.members.some((m) => m.name === 'm1' && m.state !== 'running') &&
        v.members.some((m) => m.name === 'm2' && m.state === 'running'),
    );
    await step();
    expect(await state('patroni_no_leader')).toBe('firing');
    expect(await state('patroni_member_not_running')).toBe('firing');
    expect(await state('patroni_member_not_running', 'm2')).toBe('none');
    // one alert for the cluster, on the row that speaks for it
    expect(await state('patroni_no_leader', 'm2')).toBe('none');

    cluster.pgCtl(cluster.members[0]!, 'start');
    await seen(
      'm1 leads and runs again',
      (v) => v.leader === 'm1' && v.members.some((m) => m.name === 'm1' && m.state === 'running'),
    );
    await step();
    expect(await state('patroni_no_leader')).toBe('resolved');
    expect(await state('patroni_member_not_running')).toBe('resolved');
  });

  it('patroni_sync_standby_missing: synchronous mode while no replica can be synchronous; then patroni_paused clears', async () => {
    cluster.pgCtl(cluster.members[1]!, 'stop');
    await patch({ synchronous_mode: true });
    await seen(
      'synchronous mode without a synchronous standby',
      (v) => v.synchronousMode && !v.members.some((m) => m.role === 'sync_standby'),
    );
    await step();
    expect(await state('patroni_sync_standby_missing')).toBe('firing');

    cluster.pgCtl(cluster.members[1]!, 'start');
    await patch({ pause: false });
    await seen(
      'm2 synchronous, not paused',
      (v) => !v.paused && v.members.some((m) => m.name === 'm2' && m.role === 'sync_standby'),
    );
    await step();
    expect(await state('patroni_sync_standby_missing')).toBe('resolved');
    expect(await state('patroni_paused')).toBe('resolved');
    // nothing of this was a failover: no event on the cluster's timeline
    expect(await ds.db.query('SELECT kind FROM events')).toEqual([]);
  });
});
