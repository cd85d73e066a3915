import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testMajors, TEST_PASSWORD, type TestDatabase } from '@pgvigil/db/testing';
import { compareServers, connectionSettingsSchema, parseConnectionString } from '../src/index';

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const settings = (url: string) =>
  connectionSettingsSchema.parse({ ...parseConnectionString(url), sslmode: 'disable' });

const SCHEMA = `
  CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
  CREATE TABLE notes (id int PRIMARY KEY, item int REFERENCES items, body text CHECK (body <> ''));
  CREATE INDEX notes_lower_idx ON notes (lower(body)) WHERE item > 0;
  CREATE SEQUENCE tickets;`;

/**
 * A real publication and subscription from the oldest to the newest major under test
 * (an upgrade by logical replication), or between two databases of one server when
 * only one major runs (the slot is then made beforehand).
 */
describe('compare source and target linked by a subscription', () => {
  const majors = testMajors();
  const [pubMajor, subMajor] = [majors[0]!, majors[majors.length - 1]!];
  const slot = `cmp_${Date.now().toString(36)}`;
  let pub: TestDatabase;
  let sub: TestDatabase;

  beforeAll(async () => {
    [pub, sub] = await Promise.all([
      freshDatabase(pubMajor, 'src'),
      freshDatabase(subMajor, 'dst'),
    ]);
    await sql(
      pub.url,
      `${SCHEMA}
       CREATE INDEX items_name_idx ON items (name);
       INSERT INTO items SELECT g, 'i' || g FROM generate_series(1, 500) g;
       SELECT nextval('tickets') FROM generate_series(1, 70);
       CREATE PUBLICATION pub FOR TABLE items, notes;`,
    );
    // the target lacks an index, has a column of another type and one more table
    await sql(
      sub.url,
      `${SCHEMA.replace('body text', 'body varchar(200)')}
       CREATE TABLE extra (id int PRIMARY KEY);
       SELECT nextval('tickets') FROM generate_series(1, 5);`,
    );
    const port = new URL(pub.url).port;
    const sameServer = pubMajor === subMajor;
    if (sameServer)
      await sql(pub.url, `SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput')`);
    await sql(
      sub.url,
      `CREATE SUBSCRIPTION ${slot}
         CONNECTION 'host=127.0.0.1 port=${port} dbname=${pub.name} user=postgres password=${TEST_PASSWORD}'
         PUBLICATION pub WITH (slot_name = '${slot}'${sameServer ? ', create_slot = false' : ''})`,
    );
    await until('the initial copy', async () => {
      const r = await sql<{ n: number }>(sub.url, 'SELECT count(*)::int AS n FROM items');
      return r[0]?.n === 500;
    });
  });
  afterAll(async () => {
    if (sub) {
      await sql(sub.url, `DROP SUBSCRIPTION IF EXISTS ${slot}`).catch(() => undefined);
      await sub.drop();
    }
    await pub?.drop();
  });

  it('shows schema differences, rows, sequences behind and the lag of the link', async () => {
    await sql(pub.url, `INSERT INTO items SELECT g, 'j' || g FROM generate_series(501, 600) g`);
    await until('the new rows to arrive', async () => {
      const r = await sql<{ n: number }>(sub.url, 'SELECT count(*)::int AS n FROM items');
      return r[0]?.n === 600;
    });
    await Promise.all([sql(pub.url, 'ANALYZE'), sql(sub.url, 'ANALYZE')]);
    const r = await compareServers(settings(pub.url), settings(sub.url), {
      exact: { perTableMs: 5_000, maxTables: 100 },
    });
    if (!r.ok) throw new Error(r.failure.cause);
    const c = r.value;
    expect(c.source).toEqual({ serverVersion: expect.any(Number), database: pub.name });
    expect(c.differences).toEqual(
      expect.arrayContaining([
        { kind: 'table', name: 'public.extra', source: null, target: 'table' },
        {
          kind: 'column',
          name: 'public.notes.body',
          source: 'text',
          target: 'character varying(200)',
        },
        {
          kind: 'index',
          name: 'public.items items_name_idx',
          source: 'btree (name)',
          target: null,
        },
      ]),
    );
    // nothing else differs: same primary keys, same sequence, only plpgsql on both
    expect(c.differences, JSON.stringify(c.differences)).toHaveLength(3);
    expect(c.rows.find((x) => x.table === 'public.items')).toEqual({
      table: 'public.items',
      sourceEstimate: 600,
      targetEstimate: 600,
      sourceExact: 600,
      targetExact: 600,
    });
    expect(c.sequencesBehind).toEqual([
      {
        name: 'public.tickets',
        source: 70,
        target: 5,
        fix: "SELECT setval('public.tickets', 70);",
      },
    ]);
    expect(c.replication).toEqual([
      expect.objectContaining({
        subscription: slot,
        subscriber: 'target',
        slot,
        enabled: true,
        slotActive: true,
        lagBytes: expect.any(Number),
      }),
    ]);
  });

  it('gives up an exact count that waits for a lock, and says so with null', async () => {
    const locker = new pg.Client({ connectionString: pub.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE notes IN ACCESS EXCLUSIVE MODE');
      const r = await compareServers(settings(pub.url), settings(sub.url), {
        exact: { perTableMs: 5_000, maxTables: 100 },
      });
      if (!r.ok) throw new Error(r.failure.cause);
      expect(r.value.rows.find((x) => x.table === 'public.notes')).toMatchObject({
        sourceExact: null,
        targetExact: 0,
      });
      expect(r.value.rows.find((x) => x.table === 'public.items')?.sourceExact).toBe(600);
    } finally {
      await locker.end();
    }
  });
});
