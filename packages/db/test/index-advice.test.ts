import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIndexAdvice } from '@pgvigil/db/dashboard';
import { ensureMetricTable, saveIndexCandidates, writeSamples } from '@pgvigil/db/metrics';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { getProbe, loadProbeContext, runProbe } from '@pgvigil/probes';

const major = testMajors().at(-1)!;
const at = new Date();

describe(`index advice on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let mon: TestDatabase;
  let client: pg.Client;

  /** The real index probes on the monitored database, stored as `serverId`'s newest samples. */
  async function collectAs(serverId: number) {
    const version = Number(
      (await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`))
        .rows[0]!.v,
    );
    const ctx = await loadProbeContext(client, version);
    for (const name of ['indexes', 'index_health']) {
      const probe = getProbe(name)!;
      await ensureMetricTable(ds.db, probe, at);
      const r = await runProbe(client, probe, ctx);
      if (r.status !== 'ok') throw new Error(`${name}: ${r.status}`);
      await writeSamples(ds.db, [
        { spec: probe, samples: [{ collectedAt: at, serverId, database: mon.name, rows: r.rows }] },
      ]);
    }
  }
  const addServer = async (name: string, clusterId: number) =>
    (
      await ds.db.query<{ id: number }>(
        `INSERT INTO servers (name, host, username, cluster_id) VALUES ($1, '10.0.0.1', 'pgvigil', $2) RETURNING id::int AS id`,
        [name, clusterId],
      )
    )[0]!.id;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    mon = await freshDatabase(major, 'adv');
    client = new pg.Client({ connectionString: mon.url });
    await client.connect();
    await client.query(`
      CREATE TABLE t (a int, b int, c text);
      INSERT INTO t SELECT g, g % 10, 'v' || g FROM generate_series(1, 2000) g;
      CREATE INDEX t_a ON t (a);
      CREATE INDEX t_ab ON t (a, b);
      CREATE INDEX "T c" ON t (c);
      CREATE TABLE u (x int);
      INSERT INTO u VALUES (1), (1);
      ANALYZE;`);
    // a failed CREATE INDEX CONCURRENTLY leaves an invalid index behind
    await client.query('CREATE UNIQUE INDEX CONCURRENTLY u_x ON u (x)').catch(() => undefined);
  });
  afterAll(async () => {
    await client?.end();
    await mon?.drop();
    await ds?.drop();
  });

  it('drops prefix duplicates and invalid indexes; unused only when no cluster member scans it', async () => {
    const [cluster] = await ds.db.query<{ id: number }>(
      `INSERT INTO clusters (name) VALUES ('c') RETURNING id::int AS id`,
    );
    const primary = await addServer('primary', cluster!.id);
    const standby = await addServer('standby', cluster!.id);
    await collectAs(primary);
    // the standby's samples: the same database, where "T c" is scanned
    await client.query(`SET enable_seqscan = off; SELECT count(*) FROM t WHERE c = 'v5'`);
    for (let n = 0; n < 100; n++) {
      const r = await client.query<{ n: string }>(
        `SELECT pg_stat_clear_snapshot(), idx_scan AS n FROM pg_stat_user_indexes WHERE indexrelname = 'T c'`,
      );
      if (Number(r.rows[0]!.n) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await collectAs(standby);

    const { advice } = await getIndexAdvice({
      db: ds.db,
      input: { serverId: primary, database: mon.name },
      at,
    });
    const of = (kind: string, index: string) =>
      advice.find((a) => a.kind === kind && a.index === index);
    expect(of('duplicate', 'public.t_a')).toMatchObject({
      statement: 'DROP INDEX CONCURRENTLY public.t_a;',
      detail: 'columns are a prefix of t_ab',
      verified: true,
      table: 'public.t',
    });
    expect(of('invalid', 'public.u_x')).toMatchObject({
      statement: 'DROP INDEX CONCURRENTLY public.u_x;',
    });
    expect(of('unused', 'public.t_ab')).toMatchObject({
      verified: true,
      estimatedSavingBytes: expect.any(Number),
    });
    expect(of('unused', 'public.T c')).toBeUndefined();

    // a member with no samples of the database: the advice stands, unverified
    await addServer('silent', cluster!.id);
    const again = await getIndexAdvice({
      db: ds.db,
      input: { serverId: primary, database: mon.name },
      at,
    });
    expect(
      again.advice.find((a) => a.kind === 'unused' && a.index === 'public.t_ab'),
    ).toMatchObject({
      verified: false,
      detail: expect.stringMatching(/no samples of this database from silent/),
    });
  });

  it('serves the missing indexes the collector found; a recheck without them removes them', async () => {
    const server = await addServer(
      'checked',
      (
        await ds.db.query<{ id: number }>(
          `INSERT INTO clusters (name) VALUES ('m') RETURNING id::int AS id`,
        )
      )[0]!.id,
    );
    const proposed = {
      table: 'public.orders',
      columns: ['customer_id'],
      statement: 'CREATE INDEX CONCURRENTLY ON public.orders (customer_id);',
      queryids: ['-42'],
      verified: true,
      costBefore: 1000,
      costAfter: 8.5,
      detail: 'verified with a hypothetical index (hypopg)',
    };
    const earlier = new Date(at.getTime() - 3_600_000);
    await saveIndexCandidates(ds.db, server, mon.name, ['-42', '7'], [proposed], earlier);
    const advise = async (when: Date) =>
      (
        await getIndexAdvice({
          db: ds.db,
          input: { serverId: server, database: mon.name },
          at: when,
        })
      ).advice.filter((a) => a.kind === 'missing');
    expect(await advise(at)).toEqual([
      {
        kind: 'missing',
        table: 'public.orders',
        columns: ['customer_id'],
        statement: proposed.statement,
        costBefore: 1000,
        costAfter: 8.5,
        verified: true,
        detail: proposed.detail,
      },
    ]);
    // not checked for more than a week: no longer shown
    expect(await advise(new Date(earlier.getTime() + 8 * 86_400_000))).toEqual([]);
    // a check of other statements keeps it; a check of its statement without it drops it
    await saveIndexCandidates(ds.db, server, mon.name, ['7'], [], at);
    expect(await advise(at)).toHaveLength(1);
    await saveIndexCandidates(ds.db, server, mon.name, ['-42'], [], at);
    expect(await advise(at)).toEqual([]);
  });
});
