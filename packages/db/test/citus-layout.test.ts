import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusLayout, citusLayoutProblems, citusLayoutSql } from '@pgvigil/db';
import { ensureMetricTable, rollupLevels, rollupTable } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { PROBES } from '@pgvigil/probes';

// The datastore as a collector leaves it (every probe's table, rollups and partitions)
// must distribute by server_id on Citus, which cannot be installed here: the test
// holds the schema to Citus's rules instead (docs/scale-out.md).
describe.each(testMajors())('Citus layout on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    for (const probe of PROBES) await ensureMetricTable(ds.db, probe, new Date());
  });
  afterAll(() => ds.drop());

  it('distributes every metric table and rollup by server_id, with nothing in the way', async () => {
    const layout = await citusLayout(ds.db);
    for (const probe of PROBES) {
      expect(layout.distributed).toContain(`metrics.${probe.name}`);
      for (const level of rollupLevels(probe))
        expect(layout.distributed).toContain(`metrics.${rollupTable(probe.name, level)}`);
    }
    expect(layout.distributed).toContain('public.query_texts');
    expect(layout.reference).toEqual(expect.arrayContaining(['public.servers', 'public.alerts']));
    expect(await citusLayoutProblems(ds.db)).toEqual([]);
  });

  it('reports what Citus would refuse', async () => {
    // everything below is rolled back: the throw at the end ends the transaction
    const problems = await ds.db
      .tx(async (q) => {
        await q.query(
          `CREATE TABLE metrics.bad_key (server_id bigint NOT NULL, id int PRIMARY KEY)`,
        );
        await q.query(`CREATE TABLE metrics.no_server (collected_at timestamptz NOT NULL)`);
        await q.query(
          `CREATE TABLE metrics.parent (server_id bigint NOT NULL, id int, PRIMARY KEY (server_id, id))`,
        );
        await q.query(
          `CREATE TABLE public.config_to_metrics (server_id bigint, id int,
             FOREIGN KEY (server_id, id) REFERENCES metrics.parent)`,
        );
        await q.query(
          `CREATE TABLE metrics.child (server_id bigint NOT NULL, other bigint, id int,
             CONSTRAINT off_key FOREIGN KEY (other, id) REFERENCES metrics.parent)`,
        );
        await q.query(
          `CREATE FUNCTION metrics.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`,
        );
        await q.query(
          `CREATE TRIGGER reads_others BEFORE INSERT ON metrics.wal FOR EACH ROW EXECUTE FUNCTION metrics.noop()`,
        );
        throw { problems: await citusLayoutProblems(q) };
      })
      .catch((e: { problems?: string[] }) => e.problems);
    expect(problems).toEqual([
      'metrics.bad_key: unique index metrics.bad_key_pkey lacks server_id',
      'metrics.child: foreign key off_key to distributed metrics.parent is not on server_id',
      'metrics.no_server: needs server_id bigint NOT NULL (has none)',
      'metrics.wal: row trigger reads_others',
      'public.config_to_metrics: foreign key config_to_metrics_server_id_id_fkey to distributed metrics.parent is not on server_id',
    ]);
    expect(await citusLayoutProblems(ds.db)).toEqual([]);
  });

  it('plans the move to Citus: reference tables first, then the distributed ones, colocated', async () => {
    const layout = await citusLayout(ds.db);
    const sql = await citusLayoutSql(ds.db);
    expect(sql).toHaveLength(layout.reference.length + layout.distributed.length);
    const firstDistributed = sql.findIndex((s) => s.includes('create_distributed_table'));
    expect(sql.slice(0, firstDistributed).every((s) => s.includes('create_reference_table'))).toBe(
      true,
    );
    expect(sql[firstDistributed]).toBe(
      "SELECT create_distributed_table('public.query_texts', 'server_id');",
    );
    expect(sql).toContain(
      "SELECT create_distributed_table('metrics.wal', 'server_id', colocate_with => 'public.query_texts');",
    );
  });
});
