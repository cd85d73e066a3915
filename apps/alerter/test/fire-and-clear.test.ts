import { fireAndClear, spillSortToDisk, type Case } from './fire-and-clear-harness';
import { until } from './fixtures';

const CASES: Case[] = [
  {
    rule: 'long_query',
    probe: 'activity_extremes',
    tune: { warning: 0.5, critical: null },
    async fire(c) {
      const s = await c.open();
      void s.query('SELECT pg_sleep(60)').catch(() => undefined);
      await until(
        'a query older than 0.5 s',
        async () => (await c.probeValue('longest_query_seconds')) > 0.5,
      );
    },
    async clear(c) {
      await c.sql(
        `SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND datname = current_database()`,
      );
      await until('no long query', async () => (await c.probeValue('longest_query_seconds')) < 0.5);
    },
  },
  {
    rule: 'idle_in_transaction',
    probe: 'activity_extremes',
    tune: { warning: 0.3, critical: null },
    async fire(c) {
      const s = await c.open();
      await s.query('BEGIN');
      await s.query('SELECT 1');
      await until(
        'idle in transaction',
        async () => (await c.probeValue('longest_idle_in_xact_seconds')) > 0.3,
      );
    },
    async clear(c) {
      await c.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database()`,
      );
      await until(
        'no idle transaction',
        async () => (await c.probeValue('longest_idle_in_xact_seconds')) < 0.3,
      );
    },
  },
  {
    rule: 'lock_waiters',
    probe: 'activity_extremes',
    tune: { warning: 0, critical: null },
    async fire(c) {
      await c.sql('CREATE TABLE IF NOT EXISTS locked (id int)');
      const holder = await c.open();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE locked IN ACCESS EXCLUSIVE MODE');
      const waiter = await c.open();
      void waiter.query('SELECT * FROM locked').catch(() => undefined);
      await until('a lock waiter', async () => (await c.probeValue('waiting_sessions')) > 0);
    },
    async clear(c) {
      await c.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND application_name = 'fire-and-clear'`,
      );
      await until('no waiter', async () => (await c.probeValue('waiting_sessions')) === 0);
    },
  },
  {
    rule: 'rollback_ratio',
    probe: 'database_stats',
    tune: { warning: 10, critical: null },
    baseline: true,
    clearAfterSeconds: 1000,
    async fire(c) {
      const s = await c.open();
      for (let i = 0; i < 30; i++) {
        await s.query('BEGIN');
        await s.query('SELECT 1');
        await s.query('ROLLBACK');
      }
      // a session reports its counters when it ends (and on PG 15+ on a timer)
      await s.end();
      await until('rollbacks counted', async () => {
        const [r] = (await c.sql(
          'SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()',
        )) as { xact_rollback: string }[];
        return Number(r!.xact_rollback) >= 30;
      });
    },
    async clear(c) {
      const s = await c.open();
      for (let i = 0; i < 400; i++) await s.query('SELECT 1');
      await s.end();
      await until('commits counted', async () => {
        const [r] = (await c.sql(
          'SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()',
        )) as { xact_commit: string }[];
        return Number(r!.xact_commit) >= 400;
      });
    },
  },
  {
    rule: 'invalid_index',
    probe: 'indexes',
    tune: { warning: 0, critical: null },
    async fire(c) {
      // a valid index stays, so the newest sample shows the invalid one is gone
      await c.sql(
        'CREATE TABLE keep (id int PRIMARY KEY); CREATE TABLE dup (v int); INSERT INTO dup VALUES (1), (1)',
      );
      await c.sql('CREATE UNIQUE INDEX CONCURRENTLY dup_v ON dup (v)').catch(() => undefined);
    },
    async clear(c) {
      await c.sql('DROP INDEX dup_v');
    },
  },
  {
    rule: 'sequence_usage',
    probe: 'sequences',
    tune: {},
    async fire(c) {
      await c.sql(`CREATE SEQUENCE nearly MAXVALUE 100; SELECT setval('nearly', 95)`);
    },
    async clear(c) {
      await c.sql('ALTER SEQUENCE nearly MAXVALUE 100000');
    },
  },
  {
    rule: 'slot_inactive',
    probe: 'replication_slots',
    tune: {},
    object: (db) => `fc_${db}`,
    async fire(c) {
      // a second slot stays (dropped at the end), so the newest sample shows the first is gone
      await c.sql(`SELECT pg_create_physical_replication_slot('fc_' || current_database(), true)`);
      await c.sql(`SELECT pg_create_physical_replication_slot('fk_' || current_database(), true)`);
    },
    async clear(c) {
      await c.sql(`SELECT pg_drop_replication_slot('fc_' || current_database())`);
    },
    async cleanup(c) {
      await c.sql(`SELECT pg_drop_replication_slot('fk_' || current_database())`);
    },
  },
  {
    rule: 'long_transaction',
    probe: 'activity_extremes',
    tune: { warning: 0.3 },
    async fire(c) {
      const s = await c.open();
      await s.query('BEGIN');
      await s.query('SELECT txid_current()');
      await until(
        'an old transaction',
        async () => (await c.probeValue('longest_xact_seconds')) > 0.3,
      );
    },
    async clear(c) {
      await c.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fire-and-clear' AND datname = current_database()`,
      );
      await until(
        'no old transaction',
        async () => (await c.probeValue('longest_xact_seconds')) < 0.3,
      );
    },
  },
  {
    rule: 'lock_wait_time',
    probe: 'blocking',
    tune: { warning: 0.2, critical: null },
    async fire(c) {
      await c.sql('CREATE TABLE IF NOT EXISTS locked2 (id int)');
      const holder = await c.open();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE locked2 IN ACCESS EXCLUSIVE MODE');
      const waiter = await c.open();
      void waiter.query('SELECT * FROM locked2').catch(() => undefined);
      await until('a blocked session', async () => (await c.probeValue('blocked_seconds')) > 0.2);
    },
    async clear(c) {
      await c.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fire-and-clear' AND datname = current_database()`,
      );
      await until('nobody blocked', async () => (await c.probeValue('blocked_seconds')) === 0);
    },
  },
  {
    rule: 'deadlocks',
    probe: 'database_stats',
    tune: {},
    baseline: true,
    clearAfterSeconds: 400,
    object: (db) => db,
    async fire(c) {
      await c.sql(
        'CREATE TABLE da (id int); CREATE TABLE db2 (id int); INSERT INTO da VALUES (1); INSERT INTO db2 VALUES (1)',
      );
      const a = await c.open();
      const b = await c.open();
      await a.query('BEGIN');
      await a.query('UPDATE da SET id = 2');
      await b.query('BEGIN');
      await b.query('UPDATE db2 SET id = 2');
      const first = a.query('UPDATE db2 SET id = 3').catch(() => undefined);
      await b.query('UPDATE da SET id = 3').catch(() => undefined);
      await first;
      await a.end();
      await b.end();
      await until('the deadlock counted', async () => {
        const [r] = (await c.sql(
          'SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()',
        )) as { deadlocks: string }[];
        return Number(r!.deadlocks) >= 1;
      });
    },
    async clear() {},
  },
  {
    rule: 'temp_bytes',
    probe: 'database_stats',
    tune: { warning: 1 },
    baseline: true,
    clearAfterSeconds: 1000,
    object: (db) => db,
    fire: (c) => spillSortToDisk(c, 'temp_bytes'),
    async clear() {},
  },
  {
    rule: 'dead_tuples',
    probe: 'tables',
    tune: {},
    async fire(c) {
      await c.sql(
        'CREATE TABLE churn (id int) WITH (autovacuum_enabled = false); INSERT INTO churn SELECT generate_series(1, 100000)',
      );
      await c.sql('DELETE FROM churn WHERE id <= 20000');
      await until('dead rows counted', async () => {
        const [r] = (await c.sql(
          `SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'churn'`,
        )) as { n_dead_tup: string }[];
        return Number(r?.n_dead_tup ?? 0) >= 20000;
      });
    },
    async clear(c) {
      await c.sql('VACUUM churn');
      await until('dead rows gone', async () => {
        const [r] = (await c.sql(
          `SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'churn'`,
        )) as { n_dead_tup: string }[];
        return Number(r?.n_dead_tup ?? 1) === 0;
      });
    },
  },
  {
    rule: 'slot_retained_wal',
    probe: 'replication_slots',
    tune: { warning: 1024, critical: null },
    object: (db) => `fr_${db}`,
    async fire(c) {
      await c.sql(`SELECT pg_create_physical_replication_slot('fr_' || current_database(), true)`);
      await c.sql('CREATE TABLE wal_maker AS SELECT generate_series(1, 20000) AS id');
    },
    async clear(c) {
      await c.sql(`SELECT pg_create_physical_replication_slot('fk2_' || current_database(), true)`);
      await c.sql(`SELECT pg_drop_replication_slot('fr_' || current_database())`);
    },
    async cleanup(c) {
      await c.sql(`SELECT pg_drop_replication_slot('fk2_' || current_database())`);
    },
  },
  {
    rule: 'database_size',
    probe: 'database_size',
    object: (db) => db,
    // 8 MiB above the database as it is now
    async tune(c) {
      const [r] = (await c.sql('SELECT pg_database_size(current_database()) AS size')) as {
        size: string;
      }[];
      return { warning: Number(r!.size) + 8 * 1024 * 1024, critical: null };
    },
    async fire(c) {
      await c.sql(
        `CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 100000) g`,
      );
    },
    async clear(c) {
      await c.sql('DROP TABLE filler');
    },
  },
];

fireAndClear('built-in rules fire and clear', CASES);
