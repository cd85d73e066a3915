import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, setOverride, updateRule } from '@pgvigil/db/alerting';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import {
  freshDatastore,
  startTestServers,
  testMajors,
  TEST_PASSWORD,
  TEST_SERVER_SETTINGS,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { runCycle } from '../src/cycle/run';
import { syncCatalog } from '@pgvigil/alerting';
import { addServer, collect, collectUnreachable, query, until } from './fixtures';

/**
 * Fire-and-clear for the built-in rules that need a server of their own: settings
 * changed with ALTER SYSTEM, a failing archive_command, a tiny shared_buffers,
 * checkpoints, and a server that is stopped. Real probes, synthetic evaluation time.
 */
const major = testMajors()[testMajors().length - 1]!;
const SETTINGS = {
  max_connections: 20,
  shared_buffers: '1MB',
  // archive_command is set with ALTER SYSTEM by the test: a -c flag would win over it
  archive_mode: 'on',
};

describe(`built-in rules on a dedicated PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let url: string;
  let ds: TestDatastore;
  let serverId: number;
  let at = new Date();
  const cycle = () =>
    runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    query<T>(url, text, params);
  /** one collector pass of `probes` stamped `seconds` after the previous, then one cycle */
  async function step(seconds: number, ...probes: string[]) {
    at = new Date(at.getTime() + seconds * 1000);
    // the test is the collector: it beats at the synthetic time it collects at
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1 WHERE component = 'collector'`, [
      at,
    ]);
    for (const p of probes) await collect(ds.db, serverId, url, p, at);
    await cycle();
  }
  async function ruleFor(key: string, tune: { warning?: number | null; critical?: number | null }) {
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0, ...tune });
    return async (object?: string) =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id })).find(
        (a) => object === undefined || a.object_key === object,
      )?.state ?? 'none';
  }

  beforeAll(async () => {
    cluster = await startTestServers([major], SETTINGS);
    url = cluster.servers.get(major)!.url('postgres');
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    serverId = await addServer(ds.db, 'dedicated', url);
    await recordHeartbeat(ds.db, {
      component: 'collector',
      instanceId: 'test',
      startedAt: new Date(),
    });
  });
  afterAll(async () => {
    await ds?.drop();
    await cluster?.stop();
  });

  it('pending_restart: ALTER SYSTEM of a restart-only setting + reload, then its running value again', async () => {
    const state = await ruleFor('pending_restart', {});
    // not one of the -c flags the server was started with, which ALTER SYSTEM cannot change
    await sql(`ALTER SYSTEM SET max_locks_per_transaction = 128`);
    await sql('SELECT pg_reload_conf()');
    await until('pending_restart set', async () => {
      const [r] = await sql<{ p: boolean }>(
        `SELECT pending_restart AS p FROM pg_settings WHERE name = 'max_locks_per_transaction'`,
      );
      return r!.p;
    });
    await step(60, 'settings');
    expect(await state('max_locks_per_transaction')).toBe('firing');
    // ALTER SYSTEM RESET would leave pending_restart set until a restart (PostgreSQL 18)
    await sql('ALTER SYSTEM SET max_locks_per_transaction = 64');
    await sql('SELECT pg_reload_conf()');
    await until('pending_restart cleared', async () => {
      const [r] = await sql<{ p: boolean }>(
        `SELECT pending_restart AS p FROM pg_settings WHERE name = 'max_locks_per_transaction'`,
      );
      return !r!.p;
    });
    await step(60, 'settings');
    expect(await state('max_locks_per_transaction')).toBe('resolved');
  });

  it('archiver_failing: archive_command = false, then true', async () => {
    const state = await ruleFor('archiver_failing', {});
    await sql(`ALTER SYSTEM SET archive_command = 'false'`);
    await sql('SELECT pg_reload_conf()');
    await sql('CREATE TABLE IF NOT EXISTS wal_a AS SELECT 1 AS id');
    await sql('SELECT pg_switch_wal()');
    await until('an archive failure', async () => {
      const [r] = await sql<{ f: string }>('SELECT failed_count AS f FROM pg_stat_archiver');
      return Number(r!.f) > 0;
    });
    await step(60, 'archiver');
    expect(await state()).toBe('firing');
    await sql(`ALTER SYSTEM SET archive_command = 'true'`);
    await sql('SELECT pg_reload_conf()');
    await until('a success newer than the failure', async () => {
      await sql('INSERT INTO wal_a VALUES (2)');
      await sql('SELECT pg_switch_wal()');
      const [r] = await sql<{ ok: boolean }>(
        `SELECT coalesce(last_archived_time > last_failed_time, false) AS ok FROM pg_stat_archiver`,
      );
      return r!.ok;
    });
    await step(60, 'archiver');
    expect(await state()).toBe('resolved');
  });

  it('checkpoints_requested: a forced CHECKPOINT, then an hour without one', async () => {
    const state = await ruleFor('checkpoints_requested', {});
    await step(60, 'checkpointer');
    await sql('CHECKPOINT');
    await step(60, 'checkpointer');
    expect(await state()).toBe('firing');
    // no checkpoint at all in the window means none was forced
    await step(3700, 'checkpointer');
    await step(60, 'checkpointer');
    expect(await state()).toBe('resolved');
  });

  it('wal_directory_growth: a slot keeps WAL, then is dropped and a checkpoint recycles', async () => {
    const state = await ruleFor('wal_directory_growth', { warning: 16 * 1024 * 1024 });
    await sql(`SELECT pg_create_physical_replication_slot('keep_wal', true)`);
    await step(60, 'wal_directory');
    const walSize = async () =>
      Number((await sql<{ s: string }>('SELECT sum(size) AS s FROM pg_ls_waldir()'))[0]!.s);
    const before = await walSize();
    // each switch after a write starts a new segment; recycled ones are used first
    await until('pg_wal grown by 32 MiB', async () => {
      await sql('CREATE TABLE IF NOT EXISTS wal_g (id int); INSERT INTO wal_g VALUES (1)');
      await sql('SELECT pg_switch_wal()');
      return (await walSize()) > before + 32 * 1024 * 1024;
    });
    await step(60, 'wal_directory');
    expect(await state()).toBe('firing');
    await sql(`SELECT pg_drop_replication_slot('keep_wal')`);
    await sql('CHECKPOINT');
    // pg_wal shrinking is not growth; after an hour the growth has left the window
    await step(60, 'wal_directory');
    await step(3700, 'wal_directory');
    expect(await state()).toBe('resolved');
  });

  /** A server override at half the real age fires the rule; VACUUM (FREEZE) clears it. */
  async function fireBelowAgeThenFreeze(
    key: string,
    pctColumn: string,
    state: (database: string) => Promise<string | undefined>,
  ) {
    const rows = await collect(ds.db, serverId, url, 'wraparound', at);
    const pct = Number(rows.find((r) => r.datname === 'postgres')![pctColumn]);
    expect(pct).toBeGreaterThan(0);
    const rule = (await listRules(ds.db)).find((r) => r.key === key)!;
    await setOverride(ds.db, {
      ruleId: rule.id,
      scopeType: 'server',
      scopeId: serverId,
      warning: pct / 2,
      critical: null,
    });
    await step(60, 'wraparound');
    expect(await state('postgres')).toBe('firing');
    await sql('VACUUM (FREEZE)');
    await step(60, 'wraparound');
    expect(await state('postgres')).toBe('resolved');
  }

  it('xid_wraparound: a server override below the real age, then VACUUM FREEZE', async () => {
    const state = await ruleFor('xid_wraparound', {});
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (let i = 0; i < 300; i++) await c.query('SELECT txid_current()');
    await c.end();
    // the default (50 % of 2^31) would need billions of transactions
    await fireBelowAgeThenFreeze('xid_wraparound', 'xid_wraparound_pct', state);
  });

  /** Two sessions share-lock one row at once: a new multixact. */
  async function makeMultixact() {
    await sql('CREATE TABLE IF NOT EXISTS shared_row (id int); INSERT INTO shared_row VALUES (1)');
    const a = new pg.Client({ connectionString: url });
    const b = new pg.Client({ connectionString: url });
    await a.connect();
    await b.connect();
    for (const c of [a, b]) {
      await c.query('BEGIN');
      await c.query('SELECT * FROM shared_row FOR SHARE');
    }
    await a.query('COMMIT');
    await b.query('COMMIT');
    await a.end();
    await b.end();
  }

  it('mxid_wraparound: a multixact from two share-lockers, a low override, then VACUUM (FREEZE)', async () => {
    const state = await ruleFor('mxid_wraparound', {});
    await makeMultixact();
    await fireBelowAgeThenFreeze('mxid_wraparound', 'mxid_wraparound_pct', state);
  });

  it('xid_freeze_max_age: new transaction IDs, a server override below their age, then VACUUM (FREEZE)', async () => {
    const state = await ruleFor('xid_freeze_max_age', {});
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (let i = 0; i < 300; i++) await c.query('SELECT txid_current()');
    await c.end();
    // the default (110 % of autovacuum_freeze_max_age) would need 220 million of them
    await fireBelowAgeThenFreeze('xid_freeze_max_age', 'xid_emergency_pct', state);
  });

  it('mxid_freeze_max_age: a new multixact, a server override below its age, then VACUUM (FREEZE)', async () => {
    const state = await ruleFor('mxid_freeze_max_age', {});
    await makeMultixact();
    await fireBelowAgeThenFreeze('mxid_freeze_max_age', 'mxid_emergency_pct', state);
  });

  it('slot_wal_lost: max_slot_wal_keep_size exceeded and a checkpoint removes the WAL, then the slot recreated', async () => {
    const state = await ruleFor('slot_wal_lost', {});
    await sql(`ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'`);
    await sql('SELECT pg_reload_conf()');
    await sql(`SELECT pg_create_physical_replication_slot('doomed', true)`);
    await step(60, 'replication_slots');
    expect(await state('doomed')).toBe('none');
    const walStatus = async () =>
      (
        await sql<{ s: string | null }>(
          `SELECT wal_status AS s FROM pg_replication_slots WHERE slot_name = 'doomed'`,
        )
      )[0]?.s;
    // new segments past the 1 MB the slot may keep, then a checkpoint removes the old ones
    await until('the slot lost its WAL', async () => {
      await sql('CREATE TABLE IF NOT EXISTS wal_l (id int); INSERT INTO wal_l VALUES (1)');
      await sql('SELECT pg_switch_wal()');
      await sql('CHECKPOINT');
      return (await walStatus()) === 'lost';
    });
    await step(60, 'replication_slots');
    expect(await state('doomed')).toBe('firing');
    // the runbook: re-sync its consumer, then drop and recreate the slot
    await sql(`ALTER SYSTEM RESET max_slot_wal_keep_size`);
    await sql('SELECT pg_reload_conf()');
    await sql(`SELECT pg_drop_replication_slot('doomed')`);
    await sql(`SELECT pg_create_physical_replication_slot('doomed', true)`);
    await step(60, 'replication_slots');
    expect(await state('doomed')).toBe('resolved');
    await sql(`SELECT pg_drop_replication_slot('doomed')`);
  });

  it('cache_hit_ratio: a scan bigger than shared_buffers, then cached reads', async () => {
    const state = await ruleFor('cache_hit_ratio', {});
    const reads = async () =>
      (
        await sql<{ r: string }>(
          'SELECT blks_read AS r FROM pg_stat_database WHERE datname = current_database()',
        )
      )[0]!.r;
    await sql(
      `CREATE TABLE big AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 60000) g`,
    );
    await sql('CREATE TABLE small (id int); INSERT INTO small VALUES (1)');
    await step(60, 'database_stats');
    const before = Number(await reads());
    await sql('SELECT count(*) FROM big');
    await until('disk reads counted', async () => Number(await reads()) > before + 1000);
    await step(60, 'database_stats');
    expect(await state('postgres')).toBe('firing');
    const hits = async () =>
      Number(
        (
          await sql<{ h: string }>(
            'SELECT blks_hit AS h FROM pg_stat_database WHERE datname = current_database()',
          )
        )[0]!.h,
      );
    const hitsBefore = await hits();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    for (let i = 0; i < 2000; i++) await c.query('SELECT id FROM small');
    await c.end();
    await until('cached reads counted', async () => (await hits()) > hitsBefore + 2000);
    // the window (15 min) now holds only the cached interval
    await step(1000, 'database_stats');
    expect(await state('postgres')).toBe('resolved');
  });

  it('metrics_stale: one probe stops reporting while others do, then reports again', async () => {
    const state = await ruleFor('metrics_stale', {});
    await step(60, 'archiver', 'connectivity');
    // the archiver probe (every 60 s) is silent for 4 of its intervals
    for (let i = 0; i < 4; i++) await step(60, 'connectivity');
    expect(await state('archiver')).toBe('firing');
    await step(60, 'archiver', 'connectivity');
    expect(await state('archiver')).toBe('resolved');
  });

  it('invalid_index: the only index of its database dropped resolves, not no_data', async () => {
    const state = await ruleFor('invalid_index', {});
    await sql('CREATE TABLE dup (v int); INSERT INTO dup VALUES (1), (1)');
    await sql('CREATE UNIQUE INDEX CONCURRENTLY dup_v ON dup (v)').catch(() => undefined);
    await step(60, 'indexes', 'tables');
    expect(await state()).toBe('firing');
    await sql('DROP INDEX dup_v');
    // the indexes probe now returns no rows, so the collector writes none; the tables
    // probe of the same database keeps reporting, every 15 minutes here
    for (let i = 0; i < 4; i++) await step(900, 'indexes', 'tables');
    expect(await state()).toBe('resolved');
  });

  it('collector_down: no heartbeat for 2 minutes, then beats again', async () => {
    const rule = (await listRules(ds.db)).find((r) => r.key === 'collector_down')!;
    const state = async () => (await listAlerts(ds.db, { ruleId: rule.id }))[0]?.state ?? 'none';
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'test', startedAt: at });
    // heartbeats are stamped by the datastore's clock: evaluate 5 minutes after it
    at = new Date(Date.now() + 300_000);
    await cycle();
    expect(await state()).toBe('firing');
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'test', startedAt: at });
    at = new Date(Date.now() + 5_000);
    await cycle();
    expect(await state()).toBe('resolved');
  });
});

describe(`server_down on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let restarted: EmbeddedServer | undefined;
  let ds: TestDatastore;

  beforeAll(async () => {
    cluster = await startTestServers([major]);
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
  });
  afterAll(async () => {
    await restarted?.stop();
    await ds?.drop();
    await cluster?.stop();
  });

  it('fires when the server is stopped and clears when it is back', async () => {
    let url = cluster.servers.get(major)!.url('postgres');
    const serverId = await addServer(ds.db, 'stoppable', url);
    const rule = (await listRules(ds.db)).find((r) => r.key === 'server_down')!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    const state = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
    await recordHeartbeat(ds.db, {
      component: 'collector',
      instanceId: 'sd',
      startedAt: new Date(),
    });
    let at = new Date();
    const cycle = () =>
      runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });

    await collect(ds.db, serverId, url, 'connectivity', at);
    await cycle();
    expect(await state()).toBe('none');

    await cluster.servers.get(major)!.stop();
    at = new Date(at.getTime() + 30_000);
    await collectUnreachable(ds.db, serverId, url, at);
    await cycle();
    expect(await state()).toBe('firing');

    // the same data folder started again (it may get another port)
    restarted = await startEmbedded({
      dataDir: path.join(cluster.root, `pg${major}`),
      major,
      superuserPassword: TEST_PASSWORD,
      settings: { ...TEST_SERVER_SETTINGS },
    });
    url = restarted.url('postgres');
    await ds.db.query('UPDATE servers SET port = $1 WHERE id = $2', [restarted.port, serverId]);
    at = new Date(at.getTime() + 30_000);
    await collect(ds.db, serverId, url, 'connectivity', at);
    await cycle();
    expect(await state()).toBe('resolved');
  });
});
