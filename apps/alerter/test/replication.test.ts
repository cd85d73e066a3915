import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProbe, loadProbeContext, runProbe } from '@pgvigil/probes';
import { recordHeartbeat } from '@pgvigil/db';
import { getAlert, listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import type { EmbeddedServer } from '@pgvigil/db/embedded';
import {
  freshDatastore,
  startStandby,
  startTestServers,
  testMajors,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { runCycle } from '../src/cycle/run';
import { syncCatalog } from '@pgvigil/alerting';
import { addServer, collect, query, until } from './fixtures';

/** Replication rules against a real streaming standby (`startStandby`). */
const major = testMajors()[testMajors().length - 1]!;

describe(`replication rules with a real standby on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let standby: EmbeddedServer | undefined;
  let ds: TestDatastore;
  let primaryUrl: string;
  let standbyUrl: string;
  let primaryId: number;
  let standbyId: number;
  let at = new Date();

  beforeAll(async () => {
    // one autovacuum worker woken every second: autovacuum_saturated can be reached for real
    cluster = await startTestServers([major], { autovacuum_max_workers: 1, autovacuum_naptime: 1 });
    const primary = cluster.servers.get(major)!;
    primaryUrl = primary.url('postgres');
    standby = await startStandby(cluster, major, { name: 'standby1' });
    standbyUrl = standby.url('postgres');
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    primaryId = await addServer(ds.db, 'primary', primaryUrl);
    standbyId = await addServer(ds.db, 'standby', standbyUrl);
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 't', startedAt: at });
  }, 120_000);
  afterAll(async () => {
    await standby?.stop();
    await ds?.drop();
    await cluster?.stop(); // removes the standby's folder too, under the same root
  });

  const cycle = () =>
    runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
  async function stateOf(key: string, serverId: number) {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    return (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
  }
  async function tune(key: string, t: { warning?: number | null; critical?: number | null }) {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0, ...t });
  }
  /** Bytes the primary sent that its standby has not replayed; null without a walsender. */
  async function replayLagBytes(): Promise<number | null> {
    const [r] = await query<{ b: string | null }>(
      primaryUrl,
      'SELECT pg_wal_lsn_diff(sent_lsn, replay_lsn)::bigint AS b FROM pg_stat_replication',
    );
    return r?.b == null ? null : Number(r.b);
  }

  async function step(seconds: number, serverId: number, url: string, probe: string) {
    at = new Date(at.getTime() + seconds * 1000);
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1`, [at]);
    await collect(ds.db, serverId, url, probe, at);
    await cycle();
  }

  it('replication_lag_bytes: replay paused on the standby while the primary writes', async () => {
    await tune('replication_lag_bytes', { warning: 1024 * 1024, critical: null });
    await query(standbyUrl, 'SELECT pg_wal_replay_pause()');
    await query(
      primaryUrl,
      `CREATE TABLE lag_maker AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 50000) g`,
    );
    await until('replay lag over 1 MiB', async () => ((await replayLagBytes()) ?? 0) > 1024 * 1024);
    await step(60, primaryId, primaryUrl, 'replication');
    expect(await stateOf('replication_lag_bytes', primaryId)).toBe('firing');
    await query(standbyUrl, 'SELECT pg_wal_replay_resume()');
    await until('replay caught up', async () => ((await replayLagBytes()) ?? 1) < 1024 * 1024);
    await step(60, primaryId, primaryUrl, 'replication');
    expect(await stateOf('replication_lag_bytes', primaryId)).toBe('resolved');
  });

  it('replication_lag_time: replay paused while the primary writes, then resumed', async () => {
    await tune('replication_lag_time', { warning: 1, critical: null });
    const replayLag = async () => {
      const r = await query<{ s: number | null }>(
        primaryUrl,
        'SELECT extract(epoch FROM replay_lag)::float8 AS s FROM pg_stat_replication',
      );
      return r[0]?.s ?? null;
    };
    await query(primaryUrl, 'CREATE TABLE lag_time (id int)');
    await query(standbyUrl, 'SELECT pg_wal_replay_pause()');
    // each write makes the standby report its (stuck) replay position back
    await until('replay lag over 1 s', async () => {
      await query(primaryUrl, 'INSERT INTO lag_time VALUES (1)');
      return ((await replayLag()) ?? 0) > 1;
    });
    await step(60, primaryId, primaryUrl, 'replication');
    expect(await stateOf('replication_lag_time', primaryId)).toBe('firing');
    await query(standbyUrl, 'SELECT pg_wal_replay_resume()');
    // caught up: a fresh measurement under a second, or NULL once the primary is idle
    await until('replay lag back under 1 s', async () => {
      await query(primaryUrl, 'INSERT INTO lag_time VALUES (2)');
      return ((await replayLag()) ?? 0) < 1;
    });
    await step(60, primaryId, primaryUrl, 'replication');
    expect(await stateOf('replication_lag_time', primaryId)).toBe('resolved');
  });

  it('standby_replay_delay: replay paused on the standby while WAL keeps arriving, then resumed', async () => {
    await tune('standby_replay_delay', { warning: 1, critical: null });
    const receiver = async () =>
      (
        await query<{ lag: string | null; delay: number | null }>(
          standbyUrl,
          `SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint AS lag,
                  extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS delay`,
        )
      )[0]!;
    await query(primaryUrl, 'CREATE TABLE replay_delay (id int)');
    await query(standbyUrl, 'SELECT pg_wal_replay_pause()');
    await until('received WAL waiting and the last replay over 1 s old', async () => {
      await query(primaryUrl, 'INSERT INTO replay_delay VALUES (1)');
      const r = await receiver();
      return Number(r.lag ?? 0) > 0 && (r.delay ?? 0) > 1;
    });
    await step(60, standbyId, standbyUrl, 'wal_receiver');
    expect(await stateOf('standby_replay_delay', standbyId)).toBe('firing');
    await query(standbyUrl, 'SELECT pg_wal_replay_resume()');
    await until(
      'everything received is replayed',
      async () => Number((await receiver()).lag) === 0,
    );
    await step(60, standbyId, standbyUrl, 'wal_receiver');
    expect(await stateOf('standby_replay_delay', standbyId)).toBe('resolved');
  });

  it('standby_disconnected: the walsender is gone and the slot is not there to stream from', async () => {
    await tune('standby_disconnected', {});
    await step(60, standbyId, standbyUrl, 'wal_receiver');
    expect(await stateOf('standby_disconnected', standbyId)).toBe('none');
    // with the slot dropped, the receiver's reconnections fail: not streaming
    const drop = async () => {
      await query(primaryUrl, `SELECT pg_terminate_backend(pid) FROM pg_stat_replication`);
      await query(primaryUrl, `SELECT pg_drop_replication_slot('standby1')`).catch(() => undefined);
    };
    await until('the receiver not streaming', async () => {
      await drop();
      const r = await query<{ s: string | null }>(
        standbyUrl,
        'SELECT status AS s FROM pg_stat_wal_receiver',
      );
      return r[0]?.s !== 'streaming';
    });
    await step(60, standbyId, standbyUrl, 'wal_receiver');
    expect(await stateOf('standby_disconnected', standbyId)).toBe('firing');
    await query(primaryUrl, `SELECT pg_create_physical_replication_slot('standby1', true)`);
    await until(
      'streaming again',
      async () => {
        const r = await query<{ s: string | null }>(
          standbyUrl,
          'SELECT status AS s FROM pg_stat_wal_receiver',
        );
        return r[0]?.s === 'streaming';
      },
      60_000,
    );
    await step(60, standbyId, standbyUrl, 'wal_receiver');
    expect(await stateOf('standby_disconnected', standbyId)).toBe('resolved');
  }, 90_000);

  it('autovacuum_saturated: the only worker crawls through a table, then is cancelled', async () => {
    await tune('autovacuum_saturated', {});
    // every page costs more than the limit: the worker sleeps 100 ms per page or so
    await query(
      primaryUrl,
      `CREATE TABLE crawl WITH (autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1,
         autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1)
         AS SELECT g FROM generate_series(1, 100000) g`,
    );
    await query(primaryUrl, 'DELETE FROM crawl');
    const workers = async () =>
      (
        await query<{ n: number }>(
          primaryUrl,
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
        )
      )[0]!.n;
    await until('the worker busy', async () => (await workers()) === 1);
    await step(60, primaryId, primaryUrl, 'autovacuum_workers');
    expect(await stateOf('autovacuum_saturated', primaryId)).toBe('firing');
    await query(primaryUrl, 'ALTER TABLE crawl SET (autovacuum_enabled = false)');
    await query(
      primaryUrl,
      `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
    );
    await until('no worker', async () => (await workers()) === 0);
    await step(60, primaryId, primaryUrl, 'autovacuum_workers');
    expect(await stateOf('autovacuum_saturated', primaryId)).toBe('resolved');
  });

  it('no_primary: a cluster whose only member is the standby, until the primary joins it', async () => {
    await tune('no_primary', {});
    const rule = (await listRules(ds.db)).find((r) => r.key === 'no_primary')!;
    const alert = async () => (await listAlerts(ds.db, { ruleId: rule.id }))[0];
    const [c] = await ds.db.query<{ id: number }>(
      `INSERT INTO clusters (name) VALUES ('pair') RETURNING id`,
    );
    await ds.db.query('UPDATE servers SET cluster_id = $1 WHERE id = $2', [c!.id, standbyId]);
    await step(60, standbyId, standbyUrl, 'server_info');
    expect((await alert())?.state).toBe('firing');
    expect((await alert())?.object_key).toBe('pair');
    await ds.db.query('UPDATE servers SET cluster_id = $1 WHERE id = $2', [c!.id, primaryId]);
    await step(60, primaryId, primaryUrl, 'server_info');
    expect((await alert())?.state).toBe('resolved');
  });

  it('server_info names the role in detail: primary, standby, cascading standby', async () => {
    const role = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const version = Number(
          (await client.query('SHOW server_version_num')).rows[0]!.server_version_num,
        );
        const r = await runProbe(
          client,
          getProbe('server_info')!,
          await loadProbeContext(client, version),
        );
        return r.status === 'ok' ? r.rows[0]!.replication_role : r.reason;
      } finally {
        await client.end();
      }
    };
    expect(await role(primaryUrl)).toBe('primary');
    expect(await role(standbyUrl)).toBe('standby');
    // a physical replication connection to the standby is a WAL sender there, as a
    // cascaded standby's receiver would be
    const downstream = new pg.Client({
      connectionString: standbyUrl,
      replication: true,
    } as pg.ClientConfig);
    await downstream.connect();
    try {
      await until('the standby lists its WAL sender', async () => {
        const r = await query<{ n: number }>(
          standbyUrl,
          'SELECT count(*)::int AS n FROM pg_stat_replication',
        );
        return r[0]!.n > 0;
      });
      expect(await role(standbyUrl)).toBe('cascading standby');
    } finally {
      await downstream.end();
    }
  });

  // last: the standby becomes a primary
  it("a promotion: role_changed fires on the standby; the primary's lag alert about it resolves, role changed", async () => {
    await tune('role_changed', {});
    await tune('replication_lag_bytes', { warning: 1024 * 1024, critical: null });
    const started = async () =>
      (await query<{ t: Date }>(standbyUrl, 'SELECT pg_postmaster_start_time() AS t'))[0]!.t;
    const before = await started();
    await step(60, standbyId, standbyUrl, 'server_info');
    expect(await stateOf('role_changed', standbyId)).toBe('none');
    // the primary's alert about its standby fires: replay paused while it writes
    await query(standbyUrl, 'SELECT pg_wal_replay_pause()');
    await query(
      primaryUrl,
      `CREATE TABLE lag_at_promotion AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 50000) g`,
    );
    await until('replay lag over 1 MiB', async () => ((await replayLagBytes()) ?? 0) > 1024 * 1024);
    await collect(ds.db, standbyId, standbyUrl, 'wal_receiver', at); // its last sample as a standby
    await step(30, primaryId, primaryUrl, 'replication');
    expect(await stateOf('replication_lag_bytes', primaryId)).toBe('firing');

    // replayed up to date then promoted: the standby's walsender on the primary goes away
    // (a session waiting in pg_promote(true) can be cancelled by a replayed vacuum)
    await query(standbyUrl, 'SELECT pg_wal_replay_resume()');
    await until('replay caught up', async () => ((await replayLagBytes()) ?? 1) === 0);
    await query(standbyUrl, 'SELECT pg_promote(false)');
    await until('promoted', async () => {
      const r = await query<{ r: boolean }>(standbyUrl, 'SELECT pg_is_in_recovery() AS r');
      return r[0]?.r === false;
    });
    await until('the primary has no standby', async () => {
      const r = await query(primaryUrl, 'SELECT 1 FROM pg_stat_replication');
      return r.length === 0;
    });
    at = new Date(at.getTime() + 30_000);
    await collect(ds.db, standbyId, standbyUrl, 'wal_receiver', at);
    await step(0, standbyId, standbyUrl, 'server_info');
    expect(await stateOf('role_changed', standbyId)).toBe('firing');
    // the same postmaster: what server_restarted looks at did not change
    expect(await started()).toEqual(before);
    // one interval later the primary's walsender row has not come back: resolved, not no data
    await step(30, primaryId, primaryUrl, 'replication');
    expect(await stateOf('replication_lag_bytes', primaryId)).toBe('resolved');
    const rule = (await listRules(ds.db)).find((r) => r.key === 'replication_lag_bytes')!;
    const [lag] = await listAlerts(ds.db, { serverId: primaryId, ruleId: rule.id });
    const events = (await getAlert(ds.db, lag!.id)).events;
    expect(events[events.length - 1]!.reason).toBe(
      'role changed: standby was promoted; this series ended with the move',
    );
    await step(60, standbyId, standbyUrl, 'server_info');
    expect(await stateOf('role_changed', standbyId)).toBe('resolved');
  });
});
