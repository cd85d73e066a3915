import { fireAndClear, type Case, type Ctx } from './fire-and-clear-harness';
import { until } from './fixtures';

/**
 * Vacuum, bloat and key-exhaustion rules against a real database: the state is
 * made for real (dead rows, deleted rows never vacuumed, a key near int4's maximum)
 * and repaired the way the runbook says.
 */
const deadTuples = async (c: Ctx, table: string) => {
  const [r] = (await c.sql(
    `SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = '${table}'`,
  )) as { n_dead_tup: string }[];
  return Number(r?.n_dead_tup ?? 0);
};

// A table and an index that stay over the probes' 1 MB floor and are not bloated:
// the newest sample still lists an object of the database once the bloated one is
// rebuilt below the floor, so its alert resolves rather than goes without data.
const KEEP = `CREATE TABLE keep AS SELECT g AS id, repeat('k', 20) AS pad FROM generate_series(1, 100000) g;
              CREATE INDEX keep_id ON keep (id); ANALYZE keep`;
// 100k rows of ~130 bytes (about 13 MiB), four fifths deleted, never vacuumed
const BLOATED = `CREATE TABLE churned (id int, pad text) WITH (autovacuum_enabled = false);
                 INSERT INTO churned SELECT g, repeat('x', 100) FROM generate_series(1, 100000) g;
                 CREATE INDEX churned_id ON churned (id)`;

/** Table and index bloat: a table and its key index, 80 % of the rows deleted. */
const CHURN: Pick<Case, 'setup' | 'fire'> = {
  async setup(c) {
    await c.sql(KEEP);
  },
  async fire(c) {
    await c.sql(BLOATED);
    await c.sql('DELETE FROM churned WHERE id <= 80000; ANALYZE churned');
  },
};

const CASES: Case[] = [
  {
    rule: 'column_usage',
    title:
      'column_usage: an int4 key fed by a bigint sequence near 2^31, then the column made bigint',
    probe: 'sequences',
    tune: {},
    object: () => 'public.order_id_seq',
    async fire(c) {
      await c.sql(`CREATE TABLE orders (id int NOT NULL);
                   CREATE SEQUENCE order_id_seq AS bigint OWNED BY orders.id;
                   ALTER TABLE orders ALTER id SET DEFAULT nextval('order_id_seq');
                   SELECT setval('order_id_seq', 2000000000);
                   INSERT INTO orders DEFAULT VALUES`);
    },
    async clear(c) {
      await c.sql('ALTER TABLE orders ALTER id TYPE bigint');
    },
  },
  {
    rule: 'autovacuum_overdue',
    title:
      'autovacuum_overdue: dead rows over the threshold with autovacuum off for the table, then VACUUM',
    probe: 'tables',
    tune: {},
    object: () => 'public.no_autovac',
    async fire(c) {
      await c.sql(`CREATE TABLE no_autovac (id int) WITH (autovacuum_enabled = false);
                   INSERT INTO no_autovac SELECT generate_series(1, 10000);
                   DELETE FROM no_autovac WHERE id <= 5000`);
      await until('dead rows counted', async () => (await deadTuples(c, 'no_autovac')) >= 5000);
    },
    async clear(c) {
      await c.sql('VACUUM no_autovac');
      await until('dead rows gone', async () => (await deadTuples(c, 'no_autovac')) === 0);
    },
  },
  {
    rule: 'table_bloat',
    title:
      'table_bloat: 80 % of a table deleted, min_bytes lowered by a server override, then VACUUM FULL',
    probe: 'table_bloat',
    // the 200 MiB default minimum would need a 200 MiB table
    tune: { params: { min_bytes: 1024 * 1024 } },
    object: () => 'public.churned',
    ...CHURN,
    async clear(c) {
      await c.sql('VACUUM FULL churned');
      await c.sql('ANALYZE churned');
    },
  },
  {
    rule: 'index_bloat',
    title:
      'index_bloat: 80 % of the keys deleted, min_bytes lowered by a server override, then REINDEX',
    probe: 'index_bloat',
    tune: { params: { min_bytes: 1024 * 1024 } },
    object: () => 'public.churned_id',
    ...CHURN,
    async clear(c) {
      await c.sql('REINDEX INDEX churned_id');
    },
  },
];

fireAndClear('storage rules fire and clear', CASES);
