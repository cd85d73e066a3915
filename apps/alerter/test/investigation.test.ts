import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, recordHeartbeat, type Db } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { startTestServers, testMajors } from '@pgvigil/db/testing';
import { investigateAlert, syncCatalog, type Investigation } from '@pgvigil/alerting';
import { runCycle } from '../src/cycle/run';
import { addChannel, addServer, query, until } from './fixtures';
import { IncidentCollector } from './incident-collector';

const major = testMajors().at(-1)!;
const PROBES = [
  'activity_summary',
  'activity_extremes',
  'sessions',
  'blocking',
  'database_stats',
  'checkpointer',
  'wal',
  'io',
  'statements',
  'settings',
  'server_info',
];
/** Baseline samples before each incident (one a synthetic minute). */
const BASELINE_STEPS = 6;
/** Workload transactions between two samples: steady, bounded. */
const WORKLOAD_PER_STEP = 12;

interface Incident {
  name: string;
  rule: string;
  tune: { warning: number };
  /** the detector that must rank first, and what its one line must say */
  expect: { detector: string; mentions: (s: Scene) => (string | RegExp)[] };
  inject(s: Scene): Promise<void>;
  cleanup(s: Scene): Promise<void>;
}
interface Scene {
  url: string;
  open(app: string): Promise<pg.Client>;
  /** what the incident remembers for its assertions and cleanup */
  memo: Record<string, unknown>;
}

/**
 * Root-cause investigation, proven on real incidents injected into a real PostgreSQL
 * under a steady workload: the collector's probes gather samples at synthetic
 * minutes, the real rule fires in a real alerter cycle, and the top-ranked cause of
 * investigateAlert must name the injected one. Each incident is a fresh server
 * registration (its own history) on one monitored server with max_wal_size = 32MB
 * and max_connections = 40.
 */
describe(`investigation of injected incidents on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let ds: { db: Db };
  let dsCluster: Awaited<ReturnType<typeof startTestServers>> | undefined;
  let url: string;
  let workload: pg.Client[] = [];
  const results: { incident: string; top: string | undefined; hit: boolean; line?: string }[] = [];
  let t = new Date('2026-04-01T10:00:00Z').getTime();

  beforeAll(async () => {
    cluster = await startTestServers([major], {
      max_wal_size: '32MB',
      min_wal_size: '32MB',
      checkpoint_timeout: '1h',
      max_connections: 40,
      autovacuum: 'off',
    });
    url = cluster.servers.get(major)!.url('app');
    await query(cluster.servers.get(major)!.url('postgres'), 'CREATE DATABASE app');
    await query(
      url,
      `CREATE EXTENSION pg_stat_statements;
       CREATE TABLE w_items (id int PRIMARY KEY, grp int NOT NULL, qty int NOT NULL, pad text);
       INSERT INTO w_items SELECT g, g % 100, 0, repeat('p', 80) FROM generate_series(1, 100000) g;
       CREATE INDEX ON w_items (grp);
       CREATE TABLE w_sort (payload text);
       INSERT INTO w_sort SELECT md5(g::text) FROM generate_series(1, 20000) g;
       CREATE TABLE r_big (id int, v int, pad text);
       INSERT INTO r_big SELECT g, g % 1000, repeat('r', 100) FROM generate_series(1, 100000) g;
       CREATE TABLE l_orders (id int PRIMARY KEY, qty int);
       INSERT INTO l_orders SELECT g, 0 FROM generate_series(1, 100) g;
       CREATE TABLE c_bulk (id int, pad text);
       CREATE FUNCTION runaway(n int) RETURNS bigint LANGUAGE plpgsql AS $$
         DECLARE total bigint := 0; c bigint;
         BEGIN
           FOR i IN 1..n LOOP
             SELECT count(*) INTO c FROM r_big WHERE v = -1 - i % 3;
             total := total + c;
           END LOOP;
           RETURN total;
         END $$;`,
    );
    await query(url, 'VACUUM ANALYZE');
    // the datastore on a server of its own: the alerter's transactions (investigations
    // included) must not count as long transactions on the shared test server, whose
    // fire-and-clear cases judge every session of the instance
    dsCluster = await startTestServers([major]);
    const dsUrl = dsCluster.servers.get(major)!.url('pgvigil');
    await query(dsCluster.servers.get(major)!.url('postgres'), 'CREATE DATABASE pgvigil');
    const db = createDb({ url: dsUrl, applicationName: 'pgvigil-test' });
    await migrate(db);
    ds = { db };
    await syncCatalog(ds.db);
    await addChannel(ds.db, 'webhook', 'hook', { url: 'http://127.0.0.1:9/hook' });
    workload = await Promise.all([0, 1].map(() => connect(url, 'shop')));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(workload.map((c) => c.end().catch(() => undefined)));
    await ds?.db.close();
    await dsCluster?.stop();
    await cluster?.stop();
    // the figure docs/alerting.md reports
    console.log(
      `investigation hit rate: ${results.filter((r) => r.hit).length}/${results.length}`,
      results,
    );
  });

  /** One step of the steady workload: point reads, updates, a sort, a range read. */
  async function work() {
    for (let i = 0; i < WORKLOAD_PER_STEP; i++) {
      const c = workload[i % workload.length]!;
      const id = 1 + ((i * 7919) % 100_000);
      await c.query('SELECT qty FROM w_items WHERE id = $1', [id]);
      await c.query('UPDATE w_items SET qty = qty + 1 WHERE id = $1', [id]);
      await c.query('SELECT sum(qty) FROM w_items WHERE grp = $1', [i % 100]);
      if (i % 4 === 0)
        await c.query(
          'SELECT max(rn) FROM (SELECT row_number() OVER (ORDER BY payload) AS rn FROM w_sort) s',
        );
    }
    // statistics reach the cumulative views when a backend flushes them (up to 10 s
    // after going idle): flushed now, the sample of this step sees this step's work
    for (const c of workload) await flushStats(c);
  }

  async function run(incident: Incident) {
    const rule = (await listRules(ds.db)).find((r) => r.key === incident.rule)!;
    await updateRule(ds.db, {
      id: rule.id,
      forSeconds: 0,
      warning: incident.tune.warning,
      critical: null,
    });
    const serverId = await addServer(ds.db, `incident-${incident.name}`, url);
    const collector = new IncidentCollector(ds.db, serverId, url, PROBES);
    const sessions: pg.Client[] = [];
    const scene: Scene = {
      url,
      memo: {},
      open: async (app) => {
        const c = await connect(url, app);
        sessions.push(c);
        return c;
      },
    };
    const step = async () => {
      t += 60_000;
      const at = new Date(t);
      await recordHeartbeat(ds.db, {
        component: 'collector',
        instanceId: 'incidents',
        startedAt: at,
      });
      await work();
      await collector.collect(at);
      await runCycle(ds.db, at, {
        baseUrl: 'http://pgvigil.test',
        reminderSeconds: 0,
        includeTrends: false,
      });
      return at;
    };
    let investigation: Investigation | undefined;
    try {
      for (let i = 0; i < BASELINE_STEPS; i++) await step();
      const quiet = await listAlerts(ds.db, { serverId, ruleId: rule.id, states: ['firing'] });
      expect(quiet, 'the steady workload alone fires nothing').toEqual([]);
      await incident.inject(scene);
      const at = await step();
      const [alert] = await listAlerts(ds.db, { serverId, ruleId: rule.id, states: ['firing'] });
      expect(alert, `${incident.rule} fires`).toBeDefined();
      investigation = await investigateAlert(ds.db, alert!.id, at);
      const top = investigation.causes[0];
      results.push({
        incident: incident.name,
        top: top?.detector,
        hit: top?.detector === incident.expect.detector,
        line: investigation.causes.map((c) => `${c.score} ${c.summary}`).join(' | '),
      });
      expect(top?.detector, JSON.stringify(investigation.causes, null, 1)).toBe(
        incident.expect.detector,
      );
      for (const m of incident.expect.mentions(scene)) expect(top!.summary).toMatch(m);
      // every cause cites evidence; chart links carry the window
      for (const c of investigation.causes) expect(c.evidence.length).toBeGreaterThan(0);
      const chart = top!.evidence.find((e) => e.kind === 'chart');
      if (chart)
        expect(chart.href).toMatch(new RegExp(`^/servers/${serverId}\\?from=.*&to=.*#chart-`));
      // the notification carries the top cause in one line, with a link to the panel
      const [queued] = await ds.db.query<{ payload: { likely?: { text: string; href: string } } }>(
        `SELECT payload FROM notification_outbox WHERE alert_id = $1 ORDER BY id LIMIT 1`,
        [alert!.id],
      );
      expect(queued?.payload.likely?.text).toBe(`Likely: ${top!.summary}`);
      expect(queued?.payload.likely?.href).toBe(
        `http://pgvigil.test/alerts/${alert!.id}#investigation`,
      );
    } finally {
      await incident.cleanup(scene).catch(() => undefined);
      await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
      await collector.close();
      await updateRule(ds.db, { id: rule.id, enabled: false });
    }
  }

  const incidents: Incident[] = [
    {
      name: 'lock pile-up behind an idle-in-transaction session',
      rule: 'lock_waiters',
      tune: { warning: 2 },
      expect: {
        detector: 'lockPileUp',
        mentions: (s) => [
          `pid ${String(s.memo.pid)}`,
          /idle in transaction after `UPDATE l_orders/,
        ],
      },
      async inject(s) {
        const holder = await s.open('batch-job');
        s.memo.pid = (
          await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
        ).rows[0]!.pid;
        await holder.query('BEGIN');
        await holder.query('UPDATE l_orders SET qty = qty + 1 WHERE id = 1');
        const ddl = await s.open('migrator');
        void ddl.query('ALTER TABLE l_orders ADD COLUMN note text').catch(() => undefined);
        for (let i = 0; i < 3; i++) {
          const reader = await s.open('shop');
          void reader.query('SELECT count(*) FROM l_orders').catch(() => undefined);
        }
        await until('four sessions waiting on a lock', async () => {
          const [r] = await query<{ n: number }>(
            s.url,
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
          );
          return r!.n >= 4;
        });
      },
      async cleanup(s) {
        await query(
          s.url,
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name IN ('batch-job', 'migrator') OR wait_event_type = 'Lock'`,
        );
      },
    },
    {
      name: 'runaway query doing sequential scans',
      rule: 'long_query',
      tune: { warning: 0.3 },
      expect: { detector: 'runawayQuery', mentions: () => [/FROM r_big/] },
      async inject(s) {
        const c = await s.open('reporting');
        void c.query('SELECT runaway(100000)').catch(() => undefined);
        await until('the runaway query scanning for a while', async () => {
          const [r] = await query<{ calls: number; secs: number }>(
            s.url,
            `SELECT coalesce((SELECT sum(calls) FROM pg_stat_statements WHERE query LIKE '%FROM r_big%'), 0)::int AS calls,
                    coalesce((SELECT extract(epoch FROM now() - query_start) FROM pg_stat_activity
                               WHERE application_name = 'reporting' AND state = 'active'), 0)::float8 AS secs`,
          );
          return r!.calls >= 30 && r!.secs > 0.5;
        });
      },
      async cleanup(s) {
        await query(
          s.url,
          `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'reporting'`,
        );
      },
    },
    {
      name: 'checkpoint storm from a bulk write',
      rule: 'checkpoints_requested',
      tune: { warning: 50 },
      expect: { detector: 'checkpointStorm', mentions: () => [/INSERT INTO c_bulk/] },
      async inject(s) {
        const before = await requestedCheckpoints(s.url);
        const c = await s.open('loader');
        await c.query(
          `INSERT INTO c_bulk SELECT g, repeat('x', 200) FROM generate_series(1, 250000) g`,
        );
        await until(
          'requested checkpoints',
          async () => (await requestedCheckpoints(s.url)) > before,
        );
      },
      async cleanup(s) {
        await query(s.url, 'TRUNCATE c_bulk');
      },
    },
    {
      name: 'connection leak',
      rule: 'connections_used',
      tune: { warning: 30 },
      expect: { detector: 'connectionLeak', mentions: () => [/'leaky-app'/] },
      async inject(s) {
        for (let i = 0; i < 12; i++) await (await s.open('leaky-app')).query('SELECT 1');
      },
      async cleanup() {},
    },
    {
      name: 'parameter change that slowed queries',
      rule: 'temp_bytes',
      tune: { warning: 1000 },
      expect: { detector: 'settingChange', mentions: () => [/work_mem/, /random_page_cost/] },
      async inject(s) {
        await query(s.url, `ALTER SYSTEM SET work_mem = '64kB'`);
        await query(s.url, `ALTER SYSTEM SET random_page_cost = 40`);
        await query(s.url, 'SELECT pg_reload_conf()');
        // every workload session has read the new configuration
        await until('the workload sees the new settings', async () => {
          for (const c of workload)
            if ((await c.query<{ work_mem: string }>('SHOW work_mem')).rows[0]!.work_mem !== '64kB')
              return false;
          return true;
        });
      },
      async cleanup(s) {
        await query(s.url, 'ALTER SYSTEM RESET work_mem');
        await query(s.url, 'ALTER SYSTEM RESET random_page_cost');
        await query(s.url, 'SELECT pg_reload_conf()');
      },
    },
  ];

  it.each(incidents.map((i) => [i.name, i] as const))('%s', (_, incident) => run(incident), 60_000);
});

/** pg_stat_force_next_flush (15+): this session's pending statistics are flushed at once. */
async function flushStats(c: pg.Client) {
  await c.query(
    `DO $$ BEGIN
       IF current_setting('server_version_num')::int >= 150000 THEN
         PERFORM pg_stat_force_next_flush();
       END IF;
     END $$`,
  );
}

async function connect(url: string, app: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: app });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** Requested checkpoints so far (pg_stat_checkpointer from 17, pg_stat_bgwriter before). */
async function requestedCheckpoints(url: string): Promise<number> {
  const [v] = await query<{ v: number }>(
    url,
    `SELECT current_setting('server_version_num')::int AS v`,
  );
  const [r] = await query<{ n: number }>(
    url,
    v!.v >= 170000
      ? 'SELECT num_requested::int AS n FROM pg_stat_checkpointer'
      : 'SELECT checkpoints_req::int AS n FROM pg_stat_bgwriter',
  );
  return r!.n;
}
