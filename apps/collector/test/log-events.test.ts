import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshDatastore,
  startTestServers,
  TEST_PASSWORD,
  type TestCluster,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { getServerLogs, listQueryPlans } from '@pgvigil/db/dashboard';
import type { Collector } from '../src/collector';
import { count, FAST_PROBES, registerServer, testCollector, waitFor } from './helpers';

/**
 * Log insights through the collector: a real PostgreSQL 18 writing jsonlog, wrong-password
 * logins counted once each, across a collector restart (the cursor is in the datastore).
 */
describe('the server log through the collector on PostgreSQL 18', () => {
  let cluster: TestCluster;
  let ds: TestDatastore;
  let collector: Collector | undefined;
  let url: string;

  beforeAll(async () => {
    [cluster, ds] = await Promise.all([
      startTestServers([18], {
        logging_collector: 'on',
        log_destination: 'jsonlog',
        lc_messages: 'C',
        shared_preload_libraries: 'pg_stat_statements,auto_explain',
        compute_query_id: 'on',
        'auto_explain.log_min_duration': '50ms',
        'auto_explain.log_format': 'json',
        'auto_explain.log_analyze': 'on',
      }),
      freshDatastore(18),
    ]);
    url = cluster.servers.get(18)!.url('postgres');
  }, 60_000);
  afterAll(async () => {
    await collector?.stop();
    await ds?.drop();
    await cluster?.stop();
  });

  const wrongPassword = async () => {
    const c = new pg.Client({ connectionString: url.replace(TEST_PASSWORD, 'wrong') });
    await expect(c.connect()).rejects.toMatchObject({ code: '28P01' });
  };
  const failures = () =>
    count(
      ds.db,
      `SELECT coalesce(sum(events), 0)::int AS n FROM metrics.log_events WHERE kind = 'auth_failure'`,
    );
  const start = async (id: string) => {
    collector = testCollector(ds.db, id, {
      probes: FAST_PROBES.filter((p) => p.name === 'connectivity'),
      logEvents: true,
      logEveryMs: 200,
    });
    await collector.start();
  };
  const cursorMoves = async (serverId: number) => {
    const at = async () =>
      (
        await ds.db.query<{ t: Date }>(
          `SELECT updated_at AS t FROM log_cursors WHERE server_id = $1`,
          [serverId],
        )
      )[0]?.t.getTime() ?? 0;
    const before = await at();
    await waitFor(async () => (await at()) > before, 'another read of the log');
  };

  it('counts each failed login once, across a collector restart', async () => {
    const serverId = await registerServer(ds.db, 'logs', url);
    await start('logs-1');
    await cursorMoves(serverId); // the first read starts at the end of the log
    await wrongPassword();
    await wrongPassword();
    await waitFor(async () => (await failures()) === 2, 'two failed logins counted');
    await collector!.stop();

    await wrongPassword();
    await start('logs-2');
    await waitFor(async () => (await failures()) === 3, 'the third counted after the restart');
    await cursorMoves(serverId);
    await cursorMoves(serverId);
    expect(await failures()).toBe(3);
    const [sample] = await ds.db.query<{ s: { message: string; user: string }[] }>(
      `SELECT samples AS s FROM metrics.log_events WHERE kind = 'auth_failure' AND samples IS NOT NULL LIMIT 1`,
    );
    // what the Log page and GET /servers/{id}/logs show of it
    const logs = await getServerLogs({
      db: ds.db,
      input: {
        serverId,
        from: new Date(Date.now() - 3_600_000),
        to: new Date(Date.now() + 120_000),
      },
    });
    expect(
      logs.counts.filter((c) => c.kind === 'auth_failure').reduce((n, c) => n + c.events, 0),
    ).toBe(3);
    expect(logs.samples[0]).toMatchObject({
      severity: 'FATAL',
      sqlstate: '28P01',
      user: 'postgres',
    });
    expect(sample!.s[0]).toMatchObject({
      user: 'postgres',
      message: expect.stringContaining('password authentication failed') as unknown,
    });
  }, 60_000);

  // the collector started by the test above still runs
  it('stores the actual plans auto_explain logs, under the statement pg_stat_statements names', async () => {
    const [server] = await ds.db.query<{ id: number }>(
      `SELECT id FROM servers WHERE name = 'logs'`,
    );
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await c.query('SELECT count(*) FROM pg_sleep(0.06)');
      const [stmt] = (
        await c.query<{ queryid: string }>(
          `SELECT queryid::text FROM pg_stat_statements WHERE query LIKE '%pg_sleep($1)%'`,
        )
      ).rows;
      const plans = await waitFor(async () => {
        const { plans } = await listQueryPlans({
          db: ds.db,
          input: { serverId: server!.id, queryid: stmt!.queryid },
        });
        return plans.length > 0 ? plans : null;
      }, 'the logged plan stored');
      expect(plans[0]).toMatchObject({ source: 'auto_explain', database: 'postgres' });
      expect(plans[0]!.plan['Node Type']).toBe('Aggregate');
      expect(plans[0]!.plan['Actual Loops']).toBe(1);
      expect(plans[0]!.plan['Execution Time']).toBeGreaterThanOrEqual(50);
    } finally {
      await c.end();
    }
  }, 30_000);
});
