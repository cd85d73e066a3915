import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listQueryPlans } from '@pgvigil/db/dashboard';
import { readLatest } from '@pgvigil/db/metrics';
import { updateServer } from '@pgvigil/db/registry';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import type { Collector } from '../src/collector';
import { box, count, registerServer, testCollector, waitFor } from './helpers';

// One major is enough here: the probes themselves are tested on every major.
const major = testMajors().at(-1)!;

describe(`collector on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let target: TestDatabase;
  const running: Collector[] = [];

  beforeAll(async () => {
    ds = await freshDatastore(major);
    target = await freshDatabase(major, 'watched');
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    await c.query('CREATE EXTENSION pg_stat_statements; CREATE TABLE t (id int PRIMARY KEY)');
    // a table read by sequential scans, for the missing-index check (stats flush at exit)
    await c.query(`CREATE TABLE big (id int PRIMARY KEY, k int);
      INSERT INTO big SELECT g, g % 100 FROM generate_series(1, 3000) g; ANALYZE big`);
    for (let i = 0; i < 3; i++) await c.query('SELECT * FROM big WHERE k = $1', [i]);
    await c.end();
  });
  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await ds?.drop();
    await target?.drop();
  });

  it('collects instance and database probes into the metric tables', async () => {
    const serverId = await registerServer(ds.db, 'main', target.url);
    const collector = testCollector(ds.db, 'c1', { leaseTtlSeconds: 2, leaseLiveSeconds: 2 });
    running.push(collector);
    await collector.start();
    await waitFor(
      () =>
        count(
          ds.db,
          'SELECT count(DISTINCT collected_at)::int AS n FROM metrics.database_stats',
        ).then((n) => n >= 2),
      'two database_stats samples',
    );
    await waitFor(
      () =>
        count(ds.db, 'SELECT count(*)::int AS n FROM metrics.tables WHERE database_name = $1', [
          target.name,
        ]).then((n) => n > 0),
      'tables rows for the watched database',
    );
    const latest = await readLatest(ds.db, {
      probe: 'database_stats',
      serverIds: [serverId],
      at: new Date(),
    });
    const mine = latest.find((r) => r.key.datname === target.name);
    expect(mine?.rates.xact_commit).toEqual(expect.any(Number));
    const status = await ds.db.query<{ state: string; server_version_num: number }>(
      'SELECT state, server_version_num FROM server_status WHERE server_id = $1',
      [serverId],
    );
    expect(status[0]).toMatchObject({ state: 'up' });
    expect(status[0]!.server_version_num).toBeGreaterThanOrEqual(major * 10000);
    // pgvigil's sessions identify themselves
    const sessions = await count(
      ds.db,
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgvigil'`,
    );
    expect(sessions).toBeGreaterThan(0);
    // change-tracked settings are stored once, not every second
    const snapshots = await count(
      ds.db,
      'SELECT count(DISTINCT collected_at)::int AS n FROM metrics.settings WHERE server_id = $1',
      [serverId],
    );
    expect(snapshots).toBe(1);
    expect(collector.info()).toMatchObject({ servers: 1, droppedRows: 0 });
  });

  it('stores pg_stat_statements deltas and each query text once', async () => {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    await waitFor(async () => {
      await c.query('SELECT count(*) FROM t WHERE id = $1', [1]);
      return count(
        ds.db,
        `SELECT count(*)::int AS n FROM metrics.statements s
           JOIN query_texts q ON q.server_id = s.server_id AND q.queryid = s.queryid::bigint
          WHERE q.query LIKE '%FROM t WHERE id = $1%' AND s.calls > 0`,
      ).then((n) => n > 0);
    }, 'a delta row and the text of the statement that ran');
    // the statement is among the top ones: its generic plan is captured (18 here; 14 in probes' tests)
    const plans = await waitFor(async () => {
      await c.query('SELECT count(*) FROM t WHERE id = $1', [1]);
      const rows = await ds.db.query<{ queryid: string; serverId: number }>(
        `SELECT p.queryid::text AS queryid, p.server_id::int AS "serverId" FROM query_plans p
           JOIN query_texts q USING (server_id, queryid)
          WHERE q.query LIKE '%FROM t WHERE id = $1%' AND p.source = 'generic'`,
      );
      return rows[0] ? listQueryPlans({ db: ds.db, input: rows[0] }) : null;
    }, 'the generic plan of the statement that ran');
    expect(plans.plans).toHaveLength(1);
    expect(plans.plans[0]).toMatchObject({ source: 'generic', database: target.name });
    expect(JSON.stringify(plans.plans[0]!.plan)).toContain('t_pkey');
    // the top statements are checked for missing indexes too (unverified: no hypopg here)
    const candidate = await waitFor(async () => {
      await c.query('SELECT * FROM big WHERE k = $1', [1]);
      const rows = await ds.db.query<{ columns: string[]; verified: boolean; statement: string }>(
        `SELECT columns, verified, statement FROM index_candidates WHERE database = $1`,
        [target.name],
      );
      return rows[0];
    }, 'a missing-index candidate for big (k)');
    expect(candidate).toEqual({
      columns: ['k'],
      verified: false,
      statement: 'CREATE INDEX CONCURRENTLY ON public.big (k);',
    });
    await c.end();
    const dupes = await count(
      ds.db,
      'SELECT count(*)::int AS n FROM (SELECT queryid FROM query_texts GROUP BY server_id, queryid HAVING count(*) > 1) d',
    );
    expect(dupes).toBe(0);
  });

  it('splits servers between two collectors and takes over a dead one', async () => {
    await registerServer(ds.db, 'second', target.url);
    const beat = (id: string) =>
      recordHeartbeat(ds.db, { component: 'collector', instanceId: id, startedAt: new Date() });
    const options = { leaseTtlSeconds: 2, leaseLiveSeconds: 2 };
    const a = running[0]!;
    const b = testCollector(ds.db, 'c2', options);
    running.push(b);
    // Both beat so each counts the other as live.
    await beat('c1');
    await beat('c2');
    await b.start();
    await waitFor(async () => {
      await beat('c1');
      await beat('c2');
      return a.serverIds.length === 1 && b.serverIds.length === 1;
    }, 'an even split');
    expect([...a.serverIds, ...b.serverIds].sort()).toHaveLength(2);
    // c1 "dies": its loops stop without releasing leases and without heartbeats.
    await a.halt();
    const survivor = await waitFor(async () => {
      await beat('c2');
      return b.serverIds.length === 2;
    }, "takeover of the dead collector's servers");
    expect(survivor).toBe(true);
  });

  it('applies registry changes within 10 s: a disabled server is dropped, a re-enabled one is back', async () => {
    const b = running[1]!;
    const [first] = b.serverIds;
    await updateServer(ds.db, box, first!, { enabled: false });
    await waitFor(async () => !b.serverIds.includes(first!), 'the disabled server dropped', 10_000);
    await updateServer(ds.db, box, first!, { enabled: true });
    await waitFor(async () => b.serverIds.includes(first!), 'the server watched again', 10_000);
    // retention set for a probe (the UI writes probe_settings) reaches the partition manager
    await ds.db.query(
      `INSERT INTO probe_settings (probe, scope_type, retention_days) VALUES ('settings', 'global', 30)`,
    );
    await waitFor(
      () =>
        count(
          ds.db,
          `SELECT count(*)::int AS n FROM metric_tables WHERE table_name = 'settings' AND retention_days = 30`,
        ).then((n) => n === 1),
      'the retention override applied',
      10_000,
    );
  });
});
