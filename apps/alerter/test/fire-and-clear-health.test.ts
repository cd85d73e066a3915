import { fireAndClear, spillSortToDisk, type Case, type Ctx } from './fire-and-clear-harness';
import { until } from './fixtures';

/**
 * Lock table, statements, temporary files, connection ceiling and per-table autovacuum
 * thresholds, each made real on the monitored server and then repaired.
 */
const deadTuples = async (c: Ctx, table: string) => {
  const [r] = (await c.sql(
    `SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = '${table}'`,
  )) as { n_dead_tup: string }[];
  return Number(r?.n_dead_tup ?? 0);
};

const CASES: Case[] = [
  {
    rule: 'lock_table_used',
    title: 'lock_table_used: one transaction holding 400 ACCESS EXCLUSIVE locks, then ended',
    probe: 'lock_table',
    // 2 % of max_locks_per_transaction x (max_connections + max_prepared_transactions)
    tune: { warning: 2, critical: null },
    async setup(c) {
      await c.sql(
        `DO $$ BEGIN FOR i IN 1..400 LOOP EXECUTE format('CREATE TABLE lk_%s (id int)', i); END LOOP; END $$`,
      );
    },
    async fire(c) {
      const holder = await c.open();
      await holder.query('BEGIN');
      // strong locks never take the fast path: each one is an entry of the shared table
      await holder.query(
        `DO $$ BEGIN FOR i IN 1..400 LOOP EXECUTE format('LOCK TABLE lk_%s IN ACCESS EXCLUSIVE MODE', i); END LOOP; END $$`,
      );
      await until('400 locks held', async () => (await c.probeValue('locks')) >= 400);
    },
    async clear(c) {
      await c.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fire-and-clear' AND datname = current_database()`,
      );
      await until('locks released', async () => (await c.probeValue('locks')) < 400);
    },
  },
  {
    rule: 'slow_statements',
    title:
      'slow_statements: a statement taking 200 ms, run 6 times in an interval, then not at all',
    probe: 'statements',
    tune: { warning: 150, critical: null, params: { min_calls: 5 } },
    baseline: true,
    async setup(c) {
      await c.sql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    },
    async fire(c) {
      const s = await c.open();
      for (let i = 0; i < 6; i++) await s.query('SELECT pg_sleep(0.2) AS slow_statement_case');
    },
    async clear() {},
  },
  {
    rule: 'temp_files',
    probe: 'database_stats',
    tune: { warning: 0.001 },
    baseline: true,
    clearAfterSeconds: 1000,
    object: (db) => db,
    fire: (c) => spillSortToDisk(c, 'temp_files'),
    async clear() {},
  },
  {
    rule: 'max_connections_oversized',
    title: 'max_connections_oversized: few sessions of 200 allowed, then 20 more',
    probe: 'activity_extremes',
    // just above today's use, so that 20 more sessions cross it
    tune: async (c) => ({
      warning: (100 * ((await c.probeValue('total_sessions')) + 10)) / 200,
      critical: null,
    }),
    async fire() {},
    async clear(c) {
      for (let i = 0; i < 20; i++) await c.open();
    },
  },
  {
    rule: 'connection_limit_used',
    title: 'connection_limit_used: 7 sessions of a database limited to 10, then 6 of them gone',
    probe: 'connection_limits',
    tune: { warning: 60, critical: null },
    object: (db) => `database.${db}`,
    async setup(c) {
      // the test's role is a superuser: the database limit still counts its sessions
      await c.sql(`DO $$ BEGIN
                     EXECUTE format('ALTER DATABASE %I CONNECTION LIMIT 10', current_database());
                   END $$`);
    },
    async fire(c) {
      for (let i = 0; i < 6; i++) await c.open();
    },
    async clear(c) {
      await c.sql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fire-and-clear' AND datname = current_database()`,
      );
      await until('sessions gone', async () => {
        const [r] = (await c.sql(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'fire-and-clear' AND datname = current_database()`,
        )) as { n: number }[];
        return r!.n === 0;
      });
    },
  },
  {
    rule: 'autovacuum_overdue',
    title:
      "autovacuum_overdue: 500 dead rows, under the default threshold but over the table's own (reloptions), then VACUUM",
    probe: 'tables',
    tune: {},
    object: () => 'public.tuned',
    async fire(c) {
      await c.sql(`CREATE TABLE tuned (id int) WITH (autovacuum_enabled = false,
                     autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 10);
                   INSERT INTO tuned SELECT generate_series(1, 10000); ANALYZE tuned;
                   DELETE FROM tuned WHERE id <= 500`);
      await until('dead rows counted', async () => (await deadTuples(c, 'tuned')) >= 500);
    },
    async clear(c) {
      await c.sql('VACUUM tuned');
      await until('dead rows gone', async () => (await deadTuples(c, 'tuned')) === 0);
    },
  },
];

fireAndClear('health rules fire and clear', CASES);
