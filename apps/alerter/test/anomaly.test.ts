import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable, refreshRollup, writeSamples } from '@pgvigil/db/metrics';
import {
  startStandby,
  startTestServers,
  freshDatastore,
  testMajors,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import { runCycle } from '../src/cycle/run';
import { syncCatalog } from '@pgvigil/alerting';
import { addChannel, addServer, collect, query, until } from './fixtures';

/**
 * Anomaly rules against a real PostgreSQL server of their own: weeks of history are
 * written at synthetic past times with the collector's writer (rows shaped like the
 * server's own, at the rates measured on it under a steady load) and rolled up the
 * way the collector rolls them up; then the real server gets a real spike (commits,
 * rollbacks, sessions, temporary files, a cold scan, WAL, query time), the anomaly
 * fires with the expected band in the queued notification, and clears once the load
 * is back to normal. A second registration of the same server with five days of
 * history stays silent (warm-up).
 */
const major = testMajors()[testMajors().length - 1]!;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP = 300; // seconds of synthetic time per collector pass
const PROBES = ['database_stats', 'activity_extremes', 'wal', 'replication'] as const;
const SETTINGS = {
  max_connections: 50,
  shared_buffers: '8MB',
  // nothing but the test moves the counters: no autovacuum, no timed checkpoint's
  // full-page images inflating the WAL of one step
  autovacuum: 'off',
  checkpoint_timeout: '1h',
};

/** Deterministic noise, so a run can be repeated exactly. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe(`anomaly rules fire and clear on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let url: string;
  let standby: Awaited<ReturnType<typeof startStandby>> | undefined;
  let ds: TestDatastore;
  let seasoned: number;
  let fresh: number;
  const at0 = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  let at = at0;
  /** per probe, the rows each calibration pass collected */
  const calibration = new Map<string, { at: Date; rows: Record<string, unknown>[] }[]>();

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    query<T>(url, text, params);
  /** bytes the standby's replay is behind, per the primary */
  const lag = async () =>
    Number(
      (
        await sql<{ lag: string }>(
          `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag
             FROM pg_stat_replication WHERE application_name = 'standby1'`,
        )
      )[0]?.lag ?? NaN,
    );
  const counter = async (column: string) =>
    Number(
      (
        await sql<{ v: string }>(
          `SELECT ${column} AS v FROM pg_stat_database WHERE datname = current_database()`,
        )
      )[0]!.v,
    );
  /**
   * Runs `body` in a session of its own, ends it (a session reports its counters when
   * it ends) and waits until at least `n` more of `column` are counted.
   */
  async function session(n: number, body: (c: pg.Client) => Promise<void>, column = 'xact_commit') {
    const before = await counter(column);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await body(c);
    await c.end();
    await until(`${n} more ${column}`, async () => (await counter(column)) >= before + n);
  }
  /** The steady load of every pass: commits, a few rollbacks, some WAL, a little query time. */
  const normal = () =>
    session(32, async (c) => {
      for (let i = 0; i < 30; i++) await c.query('SELECT 1');
      for (let i = 0; i < 5; i++) {
        await c.query('BEGIN');
        await c.query('SELECT 1');
        await c.query('ROLLBACK');
      }
      // enough query time that the collector's own queries are noise next to it
      await c.query('SELECT pg_sleep(0.2)');
      await c.query('INSERT INTO steady SELECT g, repeat($1, 40) FROM generate_series(1, 2000) g', [
        'w',
      ]);
    });

  /** One collector pass over both registrations, STEP seconds later, then one cycle. */
  async function step(keep?: (probe: string, rows: Record<string, unknown>[]) => void) {
    at = new Date(at.getTime() + STEP * 1000);
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1 WHERE component = 'collector'`, [
      at,
    ]);
    for (const probe of PROBES) {
      const rows = await collect(ds.db, seasoned, url, probe, at);
      keep?.(probe, rows);
      await collect(ds.db, fresh, url, probe, at);
    }
    await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: true });
  }

  /**
   * `days` of history before at0 for `serverId`, one row every 10 minutes per probe:
   * counters grow at the calibrated rates times 0.6-1.4, sessions vary by one.
   */
  async function seed(serverId: number, days: number, noise: () => number) {
    for (const name of PROBES) {
      const spec = getProbe(name)!;
      const passes = calibration.get(name)!;
      const pick = (rows: Record<string, unknown>[]) =>
        rows.find((r) => r.datname === undefined || r.datname === 'postgres')!;
      const first = pick(passes[0]!.rows);
      const last = pick(passes[passes.length - 1]!.rows);
      const seconds = (passes[passes.length - 1]!.at.getTime() - passes[0]!.at.getTime()) / 1000;
      const counters = spec.columns.filter((c) => c.counter).map((c) => c.name);
      const rate = Object.fromEntries(
        counters.map((c) => [c, (Number(last[c] ?? 0) - Number(first[c] ?? 0)) / seconds]),
      );
      const total = Object.fromEntries(counters.map((c) => [c, 0]));
      const samples = [];
      const from = at0.getTime() - days * DAY;
      for (let d = 0; d <= days; d++)
        await ensureMetricTable(ds.db, spec, new Date(from + d * DAY));
      for (let t = from; t <= at0.getTime() - HOUR; t += 600_000) {
        const f = 0.6 + 0.8 * noise();
        for (const c of counters) total[c]! += rate[c]! * 600 * f;
        const row: Record<string, unknown> = { ...last };
        for (const c of counters) row[c] = Math.round(total[c]!);
        if ('total_sessions' in row)
          row.total_sessions = Math.max(
            0,
            Number(last.total_sessions) + Math.floor(noise() * 3) - 1,
          );
        samples.push({ collectedAt: new Date(t), serverId, rows: [row] });
      }
      await writeSamples(ds.db, [{ spec, samples }]);
      await refreshRollup(ds.db, spec, '1h', { from: new Date(from - HOUR), to: at0 });
    }
  }

  beforeAll(async () => {
    cluster = await startTestServers([major], SETTINGS);
    url = cluster.servers.get(major)!.url('postgres');
    // a real streaming standby: its replay lag is the replication metric
    standby = await startStandby(cluster, major, { settings: SETTINGS });
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    seasoned = await addServer(ds.db, 'seasoned', url);
    fresh = await addServer(ds.db, 'new', url);
    await addChannel(ds.db, 'webhook', 'sink', { url: 'http://127.0.0.1:9/never-delivered' });
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'test', startedAt: at0 });
    for (const r of await listRules(ds.db))
      if (r.kind === 'anomaly') await updateRule(ds.db, { id: r.id, forSeconds: 0 });
    await sql('CREATE TABLE steady (id int, pad text)');
    // bigger than shared_buffers: a scan of it reads from outside PostgreSQL's cache
    await sql(
      `CREATE TABLE cold AS SELECT g, repeat('c', 200) AS pad FROM generate_series(1, 150000) g`,
    );
    // the rates of the steady load, measured on this server
    for (let i = 0; i < 4; i++) {
      await normal();
      await step((probe, rows) =>
        calibration.set(probe, [...(calibration.get(probe) ?? []), { at, rows }]),
      );
    }
    const noise = random(42);
    await seed(seasoned, 15, noise);
    await seed(fresh, 5, noise);
    for (let i = 0; i < 4; i++) {
      await normal();
      await step();
    }
  }, 240_000);
  afterAll(async () => {
    await standby?.stop();
    await ds?.drop();
    await cluster?.stop();
  });

  const alert = async (key: string, serverId: number) => {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    return (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0];
  };

  interface Case {
    rule: string;
    /** the metric's unit as the band shows it */
    unit: RegExp;
    spike(): Promise<void>;
    /** undone after the spike's pass (sessions closed) */
    after?(): Promise<void>;
  }
  const held: pg.Client[] = [];
  const CASES: Case[] = [
    {
      rule: 'anomaly_transactions',
      unit: /\/s/,
      spike: () =>
        session(6000, async (c) => {
          await c.query(`DO $$ BEGIN FOR i IN 1..6000 LOOP PERFORM 1; COMMIT; END LOOP; END $$`);
        }),
    },
    {
      rule: 'anomaly_rollbacks',
      unit: /\/s/,
      spike: () =>
        session(
          3000,
          async (c) => {
            await c.query(
              `DO $$ BEGIN FOR i IN 1..3000 LOOP PERFORM 1; ROLLBACK; END LOOP; END $$`,
            );
          },
          'xact_rollback',
        ),
    },
    {
      rule: 'anomaly_connections',
      unit: /expected \d+ to [\d.]+ \(/,
      async spike() {
        for (let i = 0; i < 20; i++) {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          held.push(c);
        }
      },
      async after() {
        await Promise.all(held.splice(0).map((c) => c.end()));
      },
    },
    {
      rule: 'anomaly_temp_bytes',
      unit: /B\/s/,
      spike: () =>
        session(2, async (c) => {
          await c.query(`SET work_mem = '64kB'`);
          await c.query(
            'SELECT count(*) FROM (SELECT g FROM generate_series(1, 300000) g ORDER BY g DESC) s',
          );
        }),
    },
    {
      rule: 'anomaly_cache_hit',
      unit: / %/,
      spike: () =>
        session(3, async (c) => {
          for (let i = 0; i < 3; i++) await c.query('SELECT count(*) FROM cold');
        }),
    },
    {
      rule: 'anomaly_wal_bytes',
      unit: /B\/s/,
      spike: () =>
        sql('INSERT INTO steady SELECT g, repeat($1, 100) FROM generate_series(1, 200000) g', [
          's',
        ]).then(() => undefined),
    },
    {
      rule: 'anomaly_replication_lag',
      unit: /MiB/,
      async spike() {
        await query(standby!.url('postgres'), 'SELECT pg_wal_replay_pause()');
        await sql(
          'INSERT INTO steady SELECT g, repeat($1, 100) FROM generate_series(1, 200000) g',
          ['r'],
        );
        await until('the standby 10 MiB behind', async () => (await lag()) > 10 * 1024 ** 2);
      },
      async after() {
        await query(standby!.url('postgres'), 'SELECT pg_wal_replay_resume()');
        await until('the standby caught up', async () => (await lag()) < 1024 ** 2);
      },
    },
    {
      rule: 'anomaly_query_time',
      unit: / ms\/s/,
      spike: () =>
        session(1, async (c) => {
          await c.query('SELECT pg_sleep(3)');
        }),
    },
  ];

  it('stays quiet under the steady load', async () => {
    const rules = (await listRules(ds.db)).filter((r) => r.kind === 'anomaly').map((r) => r.id);
    const alerts = (await listAlerts(ds.db, { serverId: seasoned })).filter((a) =>
      rules.includes(a.rule_id),
    );
    expect(alerts.map((a) => a.message)).toEqual([]);
  });

  it.each(CASES)(
    '$rule: a real spike fires with the expected band, normal load clears it',
    async (tc) => {
      await tc.spike();
      await step();
      await tc.after?.();
      const firing = await alert(tc.rule, seasoned);
      expect(firing?.state, JSON.stringify(firing?.details)).toBe('firing');
      expect(firing!.message).toMatch(
        /outside its usual band: .+, expected .+ to .+ \(median .+, same hour of the day; [\d.]+[kMG]? σ off\)/,
      );
      expect(firing!.message).toMatch(tc.unit);
      const [queued] = await ds.db.query<{
        payload: { items: { message: string; unit: string }[] };
      }>(
        `SELECT payload FROM notification_outbox
        WHERE kind = 'firing' AND payload->'rule'->>'key' = $1 ORDER BY id DESC LIMIT 1`,
        [tc.rule],
      );
      expect(queued!.payload.items[0]).toMatchObject({ message: firing!.message, unit: 'sigma' });

      // the spike leaves the 15-minute window
      for (let i = 0; i < 4; i++) {
        await normal();
        await step();
      }
      expect((await alert(tc.rule, seasoned))?.state).toBe('resolved');
    },
  );

  it('says nothing about a server with five days of history (warm-up)', async () => {
    const rules = (await listRules(ds.db)).filter((r) => r.kind === 'anomaly').map((r) => r.id);
    const alerts = (await listAlerts(ds.db, { serverId: fresh })).filter((a) =>
      rules.includes(a.rule_id),
    );
    expect(alerts).toEqual([]);
  });
});
