import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, setOverride, updateRule } from '@pgvigil/db/alerting';
import {
  freshDatastore,
  startTestServers,
  STAND_IN_EXTENSIONS,
  systemStatsStandIn,
  testMajors,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { runCycle } from '../src/cycle/run';
import { syncCatalog } from '@pgvigil/alerting';
import { addServer, collect, query } from './fixtures';

/**
 * Forecast rules fire and clear on a PostgreSQL server of their own (nobody else
 * consumes its transaction IDs or holds back its freezing): the real server changes
 * between samples collected a synthetic day apart, the trend reaches its limit within
 * the tuned number of days, then the growth stops or reverses and the trend no longer
 * does. Window and horizon are tuned through the rule and override API.
 */
const major = testMajors()[testMajors().length - 1]!;
const DAY = 86_400_000;

describe(`forecast rules fire and clear on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let url: string;
  let ds: TestDatastore;
  let serverId: number;
  let at = new Date();

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    query<T>(url, text, params);
  /** one collector pass of `probe` a synthetic day after the previous, then one cycle */
  async function day(probe: string, extensions?: Record<string, string>) {
    at = new Date(at.getTime() + DAY);
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1 WHERE component = 'collector'`, [
      at,
    ]);
    await collect(ds.db, serverId, url, probe, at, extensions ? { extensions } : {});
    await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: true });
  }
  async function rule(key: string) {
    const r = (await listRules(ds.db)).find((x) => x.key === key)!;
    return {
      id: r.id,
      state: async (object: string) =>
        (await listAlerts(ds.db, { serverId, ruleId: r.id })).find((a) => a.object_key === object),
    };
  }

  beforeAll(async () => {
    cluster = await startTestServers([major]);
    url = cluster.servers.get(major)!.url('postgres');
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    serverId = await addServer(ds.db, 'forecasts', url);
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'test', startedAt: at });
  });
  afterAll(async () => {
    await ds?.drop();
    await cluster?.stop();
  });

  it('sequence_exhaustion_forecast: nextval every day on a 10,000-value sequence, then RESTART', async () => {
    const r = await rule('sequence_exhaustion_forecast');
    // a week's trend, and "within 30 days" as the warning (both tuned as a user would)
    await updateRule(ds.db, {
      id: r.id,
      forSeconds: 0,
      warning: 30,
      critical: 5,
      params: { window_days: 7 },
    });
    await sql('CREATE SEQUENCE orders_id MAXVALUE 10000');
    for (let i = 0; i < 7; i++) {
      await sql(`SELECT nextval('orders_id') FROM generate_series(1, 400)`);
      await day('sequences');
    }
    // 4 % a day, 28 % used: about 18 days left
    const firing = await r.state('public.orders_id');
    expect(firing).toMatchObject({ state: 'firing', severity: 'warning' });
    expect(firing!.value).toBeGreaterThan(5);
    expect(firing!.value).toBeLessThan(30);
    expect(firing!.message).toMatch(/^Sequence exhausted soon: 100 % in [\d.]+ days \(now /);

    await sql('ALTER SEQUENCE orders_id RESTART');
    for (let i = 0; i < 7; i++) await day('sequences');
    expect((await r.state('public.orders_id'))?.state).toBe('resolved');
  });

  it('xid_wraparound_forecast: transaction IDs consumed every day, a server override of the horizon, then VACUUM (FREEZE)', async () => {
    const r = await rule('xid_wraparound_forecast');
    await updateRule(ds.db, { id: r.id, forSeconds: 0 });
    // 10,000 transactions a day would take some 500 years to wrap around; the real
    // horizon (30 days) needs 70 million a day. The server's horizon is tuned instead.
    await setOverride(ds.db, {
      ruleId: r.id,
      scopeType: 'server',
      scopeId: serverId,
      warning: 1_000_000,
      critical: null,
    });
    for (let i = 0; i < 7; i++) {
      await sql(
        `DO $$ BEGIN FOR i IN 1..10000 LOOP PERFORM txid_current(); COMMIT; END LOOP; END $$`,
      );
      await day('wraparound');
    }
    const firing = await r.state('postgres');
    expect(firing).toMatchObject({ state: 'firing', severity: 'warning' });
    expect(firing!.value).toBeLessThan(1_000_000);

    await sql('VACUUM (FREEZE)');
    for (let i = 0; i < 7; i++) await day('wraparound');
    expect((await r.state('postgres'))?.state).toBe('resolved');
  });

  it('disk_full_forecast: a disk (system_stats stand-in) filled by the databases growing every day, then a DROP', async () => {
    const r = await rule('disk_full_forecast');
    await updateRule(ds.db, { id: r.id, enabled: true, forSeconds: 0, warning: 30, critical: 3 });
    // the stand-in's disk holds the databases plus 100 MiB free at the start: inserts
    // fill it as they would a real volume
    await sql(systemStatsStandIn());
    const [databases] = await sql<{ size: number }>(
      'SELECT sum(pg_database_size(oid))::bigint AS size FROM pg_database',
    );
    const total = Number(databases!.size) + 100 * 1024 ** 2;
    await sql(`CREATE OR REPLACE FUNCTION pg_sys_disk_info(
        OUT mount_point text, OUT file_system text, OUT drive_letter text, OUT drive_type int,
        OUT file_system_type text, OUT total_space int8, OUT used_space int8, OUT free_space int8,
        OUT total_inodes int8, OUT used_inodes int8, OUT free_inodes int8)
      RETURNS SETOF record LANGUAGE sql AS $$
        SELECT '/data'::text, '/dev/sdb1'::text, NULL::text, NULL::int, 'ext4'::text,
               ${total}::int8, s, ${total}::int8 - s, 10::int8, 5::int8, 5::int8
          FROM (SELECT sum(pg_database_size(oid))::int8 AS s FROM pg_database) d $$`);
    const extensions = { system_stats: STAND_IN_EXTENSIONS.system_stats };
    for (let i = 0; i < 7; i++) {
      await sql(
        `CREATE TABLE filler_${i} AS SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 8000) g`,
      );
      await day('os_disk', extensions);
    }
    const firing = await r.state('/data');
    expect(firing).toMatchObject({ state: 'firing', severity: 'warning' });
    expect(firing!.value).toBeGreaterThan(3);

    for (let i = 0; i < 7; i++) await sql(`DROP TABLE filler_${i}`);
    for (let i = 0; i < 7; i++) await day('os_disk', extensions);
    expect((await r.state('/data'))?.state).toBe('resolved');
  });
});
