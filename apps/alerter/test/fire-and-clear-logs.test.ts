import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import {
  freshDatastore,
  startTestServers,
  TEST_PASSWORD,
  type TestCluster,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { collectLogEvents, LOG_EVENTS_METRIC, type LogCursor } from '@pgvigil/probes';
import { syncCatalog } from '@pgvigil/alerting';
import { runCycle } from '../src/cycle/run';
import { addServer, until } from './fixtures';

type Row = Record<string, unknown>;

/**
 * The log insight rules, each fired by a real event in a real PostgreSQL 18's jsonlog
 * (a wrong password, a missing database, a deadlock between two sessions, checkpoints
 * forced by WAL past a tiny max_wal_size, autovacuum cancelled by a lock) read by the
 * collector's log reader, and cleared once its window passes without one.
 */
describe('log insight rules on PostgreSQL 18', () => {
  let cluster: TestCluster;
  let ds: TestDatastore;
  let url: string;
  let admin: pg.Client;
  let serverId: number;
  let cursor: LogCursor | null = null;
  let at = new Date();

  beforeAll(async () => {
    [cluster, ds] = await Promise.all([
      startTestServers([18], {
        logging_collector: 'on',
        log_destination: 'jsonlog',
        lc_messages: 'C',
        deadlock_timeout: '100ms',
        max_wal_size: '32MB',
        min_wal_size: '32MB',
        checkpoint_warning: '1d',
        autovacuum_naptime: '1s',
      }),
      freshDatastore(18),
    ]);
    url = cluster.servers.get(18)!.url('postgres');
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await syncCatalog(ds.db);
    serverId = await addServer(ds.db, 'logs', url);
    for (const r of await listRules(ds.db))
      if (r.key.startsWith('log_')) await updateRule(ds.db, { id: r.id, forSeconds: 0 });
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 't', startedAt: at });
    await ensureMetricTable(ds.db, LOG_EVENTS_METRIC, at);
    const first = await collectLogEvents(admin, null, { now: at });
    if (first.status !== 'ok') throw new Error(first.reason);
    cursor = first.cursor;
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await ds?.drop();
    await cluster?.stop();
  });

  /** The collector's run: what the log has now, or until `seen` holds (the logger is asynchronous). */
  async function step(seconds: number, seen?: (rows: Row[]) => boolean | Promise<boolean>) {
    at = new Date(at.getTime() + seconds * 1000);
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1`, [at]);
    const rows: Row[] = [];
    await until('the log shows it', async () => {
      const r = await collectLogEvents(admin, cursor, { now: at });
      if (r.status !== 'ok') throw new Error(r.reason);
      cursor = r.cursor;
      rows.push(...r.rows);
      return seen ? seen(rows) : true;
    });
    if (rows.length > 0)
      await writeSamples(ds.db, [
        { spec: LOG_EVENTS_METRIC, samples: [{ collectedAt: at, serverId, rows }] },
      ]);
    await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
  }
  const alert = async (key: string, object: string | null = null) => {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    return (await listAlerts(ds.db, { serverId, ruleId: rule.id })).find(
      (a) => a.object_key === object,
    );
  };
  const tune = async (key: string, warning: number) => {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    await updateRule(ds.db, { id: rule.id, warning });
  };
  const counted =
    (match: (r: Row) => boolean, n = 1) =>
    (rows: Row[]) =>
      rows.filter(match).reduce((sum, r) => sum + Number(r.events), 0) >= n;
  /** fire, then the rule's window without the event: resolved */
  async function clears(key: string, windowSeconds: number, object: string | null = null) {
    await step(windowSeconds + 60);
    await step(60);
    expect((await alert(key, object))?.state).toBe('resolved');
  }

  it('log_auth_failures fires on wrong-password logins', async () => {
    await tune('log_auth_failures', 2);
    for (let i = 0; i < 3; i++) {
      const c = new pg.Client({ connectionString: url.replace(TEST_PASSWORD, 'wrong') });
      await expect(c.connect()).rejects.toMatchObject({ code: '28P01' });
    }
    await step(
      60,
      counted((r) => r.kind === 'auth_failure', 3),
    );
    expect((await alert('log_auth_failures'))?.state).toBe('firing');
    await clears('log_auth_failures', 60);
  });

  it('log_fatal_panic fires on a FATAL (a database that does not exist)', async () => {
    const c = new pg.Client({ connectionString: url.replace(/\/postgres$/, '/no_such_db') });
    await expect(c.connect()).rejects.toMatchObject({ code: '3D000' });
    await step(
      60,
      counted((r) => r.severity === 'FATAL' && r.sqlstate_class === '3D'),
    );
    expect((await alert('log_fatal_panic'))?.state).toBe('firing');
    await clears('log_fatal_panic', 300);
  });

  it('log_errors_by_class fires for the class with too many errors', async () => {
    await tune('log_errors_by_class', 2);
    for (let i = 0; i < 3; i++) await expect(admin.query('SELECT 1/0')).rejects.toThrow();
    await step(
      60,
      counted((r) => r.sqlstate_class === '22', 3),
    );
    expect((await alert('log_errors_by_class', '22'))?.state).toBe('firing');
    await clears('log_errors_by_class', 60, '22');
  });

  it('log_deadlocks fires on a real deadlock, naming its statements', async () => {
    await admin.query(
      'CREATE TABLE dl (id int PRIMARY KEY, v int); INSERT INTO dl VALUES (1, 0), (2, 0)',
    );
    const [a, b] = [
      new pg.Client({ connectionString: url }),
      new pg.Client({ connectionString: url }),
    ];
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('BEGIN; UPDATE dl SET v = 1 WHERE id = 1');
      await b.query('BEGIN; UPDATE dl SET v = 2 WHERE id = 2');
      const waiting = a.query('UPDATE dl SET v = 1 WHERE id = 2').then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      const other = await b.query('UPDATE dl SET v = 2 WHERE id = 1').then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      await b.query('ROLLBACK');
      const first = await waiting;
      await a.query('ROLLBACK');
      expect([first, other]).toContain('40P01');
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    await step(
      60,
      counted((r) => r.kind === 'deadlock'),
    );
    const fired = await alert('log_deadlocks');
    expect(fired?.state).toBe('firing');
    expect(fired?.message).toContain('UPDATE dl SET v =');
    await clears('log_deadlocks', 300);
  });

  it('log_checkpoints_too_frequent fires when WAL forces checkpoints past max_wal_size', async () => {
    await admin.query('CREATE TABLE wal_filler (v int)');
    // one segment of WAL asks for a checkpoint with max_wal_size at its minimum; each
    // comes sooner than checkpoint_warning (a day here) after the one before
    let polls = 0;
    await step(60, async (rows) => {
      if (counted((r) => r.kind === 'checkpoint_too_frequent')(rows)) return true;
      if (polls++ % 10 === 0)
        await admin.query('INSERT INTO wal_filler VALUES (1); SELECT pg_switch_wal()');
      return false;
    });
    expect((await alert('log_checkpoints_too_frequent'))?.state).toBe('firing');
    // a checkpoint still asked for is done now (CHECKPOINT is not one WAL asked for), and read
    await admin.query('CHECKPOINT');
    await step(0);
    await clears('log_checkpoints_too_frequent', 900);
  });

  it('log_autovacuum_cancelled fires when a lock request cancels autovacuum', async () => {
    // a slow autovacuum (cost delay at its most, cost limit 1) on a table with dead rows
    await admin.query(`CREATE TABLE av (id int, pad text) WITH (
      autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1,
      autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0)`);
    await admin.query(`INSERT INTO av SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g`);
    await admin.query('DELETE FROM av');
    await until('autovacuum works on av', async () => {
      const r = await admin.query(
        `SELECT 1 FROM pg_stat_progress_vacuum WHERE relid = 'av'::regclass`,
      );
      return r.rows.length > 0;
    });
    // the lock waits deadlock_timeout, then the server cancels the autovacuum
    await admin.query('BEGIN; LOCK TABLE av IN ACCESS EXCLUSIVE MODE; COMMIT');
    await step(
      60,
      counted((r) => r.kind === 'autovacuum_cancelled'),
    );
    const fired = await alert('log_autovacuum_cancelled');
    expect(fired?.state).toBe('firing');
    expect(fired?.message).toContain('av');
    await clears('log_autovacuum_cancelled', 900);
  });
});
