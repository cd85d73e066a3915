import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '@pgvigil/db/testing';
import {
  explainPlan,
  pickPlanCandidates,
  planFingerprint,
  planRefusal,
  PLAN_RECAPTURE_MS,
} from '../src/index';
import { diffLines, planShape, type PlanNode } from '@pgvigil/schema';

const SETUP = `
  CREATE TABLE orders (id serial PRIMARY KEY, customer int, note text);
  CREATE INDEX orders_customer_idx ON orders (customer);
  INSERT INTO orders (customer, note) SELECT g % 500, 'n' FROM generate_series(1, 20000) g;
  ANALYZE orders;
`;

/** The statement's normalized text as pg_stat_statements stores it, after running it once. */
async function storedText(client: pg.Client, sql: string, like: string): Promise<string> {
  await client.query(sql);
  const r = await client.query<{ query: string }>(
    `SELECT query FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query LIKE $1 ORDER BY calls DESC LIMIT 1`,
    [like],
  );
  return r.rows[0]!.query;
}

describe.each([14, 16] as const)('plan capture on PostgreSQL %i', (major) => {
  let database: TestDatabase;
  let client: pg.Client;
  let version: number;

  beforeAll(async () => {
    database = await freshDatabase(major, 'plans');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query(SETUP);
    const v = await client.query<{ v: number }>(
      `SELECT current_setting('server_version_num')::int AS v`,
    );
    version = v.rows[0]!.v;
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it('explains a parameterised statement with GENERIC_PLAN on 16+, and says why not before', async () => {
    const text = await storedText(
      client,
      'SELECT id, note FROM orders WHERE customer = 42',
      'SELECT id, note FROM orders WHERE customer = $1%',
    );
    expect(text).toContain('$1');
    const r = await explainPlan(client, text, version);
    if (major < 16) {
      expect(r).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/GENERIC_PLAN/) });
      return;
    }
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.source).toBe('generic');
    expect(JSON.stringify(r.plan)).toContain('orders_customer_idx');
  });

  it('explains a statement without parameters plainly, DML included, and runs nothing', async () => {
    const select = await explainPlan(
      client,
      'SELECT count(*) FROM orders WHERE note IS NULL',
      version,
    );
    expect(select).toMatchObject({ status: 'ok', source: 'explain' });
    const del = await explainPlan(client, 'DELETE FROM orders WHERE note IS NOT NULL', version);
    expect(del).toMatchObject({ status: 'ok', source: 'explain' });
    if (del.status === 'ok') expect(del.plan['Node Type']).toBe('ModifyTable');
    const left = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    expect(left.rows[0]!.n).toBe(20000);
    const locks = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'orders'::regclass`,
    );
    expect(locks.rows[0]!.n).toBe(0);
  });

  it('skips what is not DML, and pgvigil itself', async () => {
    for (const text of ['VACUUM orders', 'SET work_mem = $1', 'CREATE INDEX ON orders (note)'])
      expect(await explainPlan(client, text, version)).toMatchObject({
        status: 'skipped',
        reason: expect.stringMatching(/not a SELECT/),
      });
    expect(planRefusal('SELECT /* pgvigil:tables */ 1', version)).toMatch(/pgvigil/);
    expect(await explainPlan(client, 'SELECT * FROM no_such_table', version)).toMatchObject({
      status: 'skipped',
      sqlState: '42P01',
      connectionLost: false,
    });
  });

  it('plans SELECTs with pg_monitor + pg_read_all_data; DML needs a write grant it lacks', async () => {
    const role = `plans_${major}_${Date.now()}`;
    await client.query(
      `CREATE ROLE ${role} LOGIN PASSWORD 'pw'; GRANT pg_monitor, pg_read_all_data TO ${role}`,
    );
    const url = new URL(database.url);
    url.username = role;
    url.password = 'pw';
    const monitor = new pg.Client({ connectionString: url.toString() });
    await monitor.connect();
    try {
      expect(
        await explainPlan(monitor, 'SELECT id FROM orders WHERE note IS NULL', version),
      ).toMatchObject({ status: 'ok' });
      expect(
        await explainPlan(monitor, 'DELETE FROM orders WHERE note IS NULL', version),
      ).toMatchObject({ status: 'skipped', sqlState: '42501', connectionLost: false });
    } finally {
      await monitor.end();
      await client.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });

  it('fingerprints the structure: estimates do not change it, a dropped index does', async () => {
    const sql = 'SELECT id FROM orders WHERE customer = 7';
    const before = await explainPlan(client, sql, version);
    await client.query(
      `INSERT INTO orders (customer, note) SELECT g % 500, 'n' FROM generate_series(1, 5000) g; ANALYZE orders`,
    );
    const again = await explainPlan(client, sql, version);
    await client.query('DROP INDEX orders_customer_idx');
    const flipped = await explainPlan(client, sql, version);
    await client.query('CREATE INDEX orders_customer_idx ON orders (customer)');
    if (before.status !== 'ok' || again.status !== 'ok' || flipped.status !== 'ok')
      throw new Error('expected three plans');
    expect(again.plan['Total Cost']).not.toBe(before.plan['Total Cost']);
    expect(again.fingerprint).toBe(before.fingerprint);
    expect(flipped.fingerprint).not.toBe(before.fingerprint);
    expect(JSON.stringify(flipped.plan)).toContain('Seq Scan');
    const diff = diffLines(planShape(before.plan), planShape(flipped.plan));
    expect(
      diff
        .filter((d) => d.op === 'removed')
        .map((d) => d.line)
        .join(),
    ).toContain('orders_customer_idx');
    expect(
      diff
        .filter((d) => d.op === 'added')
        .map((d) => d.line)
        .join(),
    ).toContain('Seq Scan');
  });
});

describe('plan candidates', () => {
  const row = (queryid: string | null, dbid: number, ms: number) => ({
    queryid,
    dbid,
    userid: 10,
    total_exec_time: ms,
  });

  it('takes the top N by time in the window, in the database it spent most in, once an hour', () => {
    const rows = [
      row('1', 5, 10),
      row('2', 5, 300),
      row('2', 6, 400),
      row('3', 5, 50),
      row(null, 5, 9999),
      row('4', 5, 0),
    ];
    const now = 10 * PLAN_RECAPTURE_MS;
    const picked = pickPlanCandidates(rows, { topN: 2, lastTried: new Map(), now });
    expect(picked.map((c) => [c.queryid, c.dbid])).toEqual([
      ['2', '6'],
      ['3', '5'],
    ]);
    const recent = new Map([['2', now - PLAN_RECAPTURE_MS + 1]]);
    expect(
      pickPlanCandidates(rows, { topN: 2, lastTried: recent, now }).map((c) => c.queryid),
    ).toEqual(['3']);
    const hourAgo = new Map([['2', now - PLAN_RECAPTURE_MS]]);
    expect(
      pickPlanCandidates(rows, { topN: 1, lastTried: hourAgo, now }).map((c) => c.queryid),
    ).toEqual(['2']);
  });

  it('fingerprints join order and indexes, not costs', () => {
    const scan = (rel: string, cost: number): PlanNode => ({
      'Node Type': 'Seq Scan',
      'Relation Name': rel,
      'Total Cost': cost,
    });
    const join = (a: PlanNode, b: PlanNode): PlanNode => ({
      'Node Type': 'Hash Join',
      'Join Type': 'Inner',
      'Total Cost': 10,
      Plans: [a, b],
    });
    const ab = planFingerprint(join(scan('a', 1), scan('b', 2)));
    expect(planFingerprint(join(scan('a', 100), scan('b', 200)))).toBe(ab);
    expect(planFingerprint(join(scan('b', 2), scan('a', 1)))).not.toBe(ab);
  });
});
