import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDebianPg15, type DebianPg15 } from '@pgvigil/db/testing';
import { adviseMissingIndexes, statementPredicates } from '../src/index';

describe('statementPredicates (libpg-query)', () => {
  test('indexable predicates per table, equality columns first, aliases resolved', async () => {
    expect(
      await statementPredicates(
        `SELECT o.id FROM shop.orders o JOIN customers c ON c.id = o.customer_id
          WHERE o.created_at > $1 AND o.status IN ($2, $3) AND c.region = $4 AND (o.a = 1 OR o.b = 2)`,
      ),
    ).toEqual([
      {
        relation: { schema: 'shop', name: 'orders' },
        columns: ['status', 'created_at'],
        equality: ['status'],
      },
      { relation: { schema: null, name: 'customers' }, columns: ['region'], equality: ['region'] },
    ]);
    expect(await statementPredicates('UPDATE t SET x = 1 WHERE k BETWEEN $1 AND $2')).toEqual([
      { relation: { schema: null, name: 't' }, columns: ['k'], equality: [] },
    ]);
    expect(await statementPredicates('DELETE FROM t WHERE $1 = k AND v IS NULL')).toEqual([
      { relation: { schema: null, name: 't' }, columns: ['k', 'v'], equality: ['k', 'v'] },
    ]);
    // a column compared with a column, and an unqualified column over a join, say nothing
    expect(await statementPredicates('SELECT * FROM a, b WHERE a.x = b.y AND z = 1')).toEqual([]);
    expect(await statementPredicates('SELECT * FROM t WHERE')).toBeNull();
  });
});

// Debian's PostgreSQL 15 with the real hypopg (postgresql-15-hypopg).
describe('adviseMissingIndexes on Debian PostgreSQL 15 with hypopg', () => {
  let pg15: DebianPg15;
  let client: pg.Client;
  let text = '';
  let queryid = '';

  beforeAll(async () => {
    pg15 = await startDebianPg15();
    const setup = new pg.Client(pg15.server.url());
    await setup.connect();
    await setup.query(`
      CREATE EXTENSION pg_stat_statements;
      CREATE EXTENSION hypopg;
      CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, note text);
      INSERT INTO orders SELECT g, g % 5000, 'n' FROM generate_series(1, 50000) g;
      ANALYZE orders;`);
    for (let i = 0; i < 5; i++) await setup.query(`SELECT * FROM orders WHERE customer_id = ${i}`);
    await setup.query('SELECT pg_stat_force_next_flush()');
    await setup.query('SELECT 1');
    const s = await setup.query<{ query: string; queryid: string }>(
      `SELECT query, queryid::text FROM pg_stat_statements WHERE query LIKE '%FROM orders WHERE customer_id%'`,
    );
    text = s.rows[0]!.query; // SELECT * FROM orders WHERE customer_id = $1
    queryid = s.rows[0]!.queryid;
    await setup.end();
    client = new pg.Client(pg15.server.url());
    await client.connect();
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await pg15?.stop();
  });

  test('a table queried by a column without an index gets a verified candidate', async () => {
    expect(text).toMatch(/\$1/);
    const r = await adviseMissingIndexes(client, [
      { queryid, text },
      { queryid: '7', text: 'SELECT * FROM orders WHERE id = $1' }, // the primary key serves it
      { queryid: '8', text: 'not sql at all' },
    ]);
    expect(r.connectionLost).toBe(false);
    expect(r.candidates).toHaveLength(1);
    const c = r.candidates[0]!;
    expect(c).toMatchObject({
      table: 'public.orders',
      columns: ['customer_id'],
      statement: 'CREATE INDEX CONCURRENTLY ON public.orders (customer_id);',
      queryids: [queryid],
      verified: true,
    });
    expect(c.costAfter!).toBeLessThan(c.costBefore! / 10);
    expect(r.skipped.get('8')).toMatch(/parser/);
    // nothing stays behind in the session: no hypothetical index, no prepared statement
    const left = await client.query(
      `SELECT (SELECT count(*) FROM hypopg_list_indexes)::int AS hypo,
              (SELECT count(*) FROM pg_prepared_statements)::int AS prepared`,
    );
    expect(left.rows[0]).toEqual({ hypo: 0, prepared: 0 });
  });

  test('under least privilege: pg_read_all_data proves it, pg_monitor alone is refused', async () => {
    await client.query(`CREATE ROLE mon LOGIN PASSWORD 'mon' IN ROLE pg_monitor;
      CREATE ROLE reader LOGIN PASSWORD 'reader' IN ROLE pg_monitor, pg_read_all_data`);
    const as = async (role: string) => {
      const url = new URL(pg15.server.url());
      url.username = role;
      url.password = role;
      const c = new pg.Client(url.toString());
      await c.connect();
      try {
        return await adviseMissingIndexes(c, [{ queryid, text }]);
      } finally {
        await c.end();
      }
    };
    expect((await as('reader')).candidates).toMatchObject([{ verified: true }]);
    const refused = await as('mon');
    expect(refused.candidates).toEqual([]);
    expect(refused.skipped.get(queryid)).toMatch(/permission denied/);
  });

  test('pg_qualstats adds the predicates it sampled, behind a view too, each proven with hypopg', async () => {
    await client.query('CREATE DATABASE qs');
    const url = new URL(pg15.server.url());
    url.pathname = '/qs';
    const qs = new pg.Client(url.toString());
    await qs.connect();
    try {
      await qs.query(`
        CREATE EXTENSION pg_qualstats;
        CREATE EXTENSION hypopg;
        CREATE TABLE events (id int PRIMARY KEY, account int NOT NULL, kind int NOT NULL, body text);
        INSERT INTO events SELECT g, g % 5000, g % 1000, 'b' FROM generate_series(1, 50000) g;
        ANALYZE events;
        CREATE VIEW account_events AS SELECT id, account, body FROM events`);
      // the parser sees only the view in the first; both see events.kind in the second
      for (let i = 0; i < 4; i++) {
        await qs.query(`SELECT * FROM account_events WHERE account = ${i}`);
        await qs.query(`SELECT count(*) FROM events WHERE kind = ${i}`);
      }
      await qs.query('SELECT pg_stat_force_next_flush()');
      await qs.query('SELECT 1');
      const texts = await client.query<{ query: string; queryid: string }>(
        `SELECT query, queryid::text FROM pg_stat_statements
          WHERE query LIKE 'SELECT % WHERE account = $1' OR query LIKE 'SELECT % WHERE kind = $1'
          ORDER BY query`,
      );
      const statements = texts.rows.map((r) => ({ queryid: r.queryid, text: r.query }));
      expect(statements.map((s) => s.text)).toEqual([
        'SELECT * FROM account_events WHERE account = $1',
        'SELECT count(*) FROM events WHERE kind = $1',
      ]);
      const r = await adviseMissingIndexes(qs, statements);
      expect(r.connectionLost).toBe(false);
      const byColumns = Object.fromEntries(r.candidates.map((c) => [c.columns.join(','), c]));
      expect(Object.keys(byColumns).sort()).toEqual(['account', 'kind']);
      expect(byColumns.account).toMatchObject({
        table: 'public.events',
        statement: 'CREATE INDEX CONCURRENTLY ON public.events (account);',
        queryids: [statements[0]!.queryid],
        sources: ['pg_qualstats'],
        verified: true,
      });
      // 4 executions, each keeping 10 of 50,000 rows
      expect(byColumns.account!.detail).toMatch(
        /^verified with a hypothetical index \(hypopg\): estimated cost \d+ -> \d+; pg_qualstats sampled account = in 4 execution\(s\), keeping 0\.020 % of the rows read; /,
      );
      expect(byColumns.account!.costAfter!).toBeLessThan(byColumns.account!.costBefore! / 10);
      expect(byColumns.kind).toMatchObject({ sources: ['parser', 'pg_qualstats'], verified: true });
      expect(byColumns.kind!.detail).toMatch(/\(the parser reads the same\)/);
    } finally {
      await qs.end();
    }
  });

  test('without hypopg the candidate is unverified; with a real index there is none', async () => {
    await client.query('DROP EXTENSION hypopg');
    const r = await adviseMissingIndexes(client, [{ queryid, text }]);
    expect(r.candidates).toMatchObject([{ columns: ['customer_id'], verified: false }]);
    expect(r.candidates[0]!.detail).toMatch(/^unverified \(hypopg is not installed/);
    expect(r.candidates[0]!.costBefore).toBeUndefined();
    await client.query('CREATE INDEX ON orders (customer_id)');
    expect((await adviseMissingIndexes(client, [{ queryid, text }])).candidates).toEqual([]);
  });
});
