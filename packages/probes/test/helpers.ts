import pg from 'pg';
import { runProbe, type ProbeContext, type ProbeDefinition, type ProbeResult } from '../src/index';

/** A session like the collector's: application_name pgvigil, the probe's database. */
export async function probeSession(url: string): Promise<{ client: pg.Client; ctx: ProbeContext }> {
  const client = new pg.Client({ connectionString: url, application_name: 'pgvigil' });
  await client.connect();
  const info = await client.query<{ v: number; db: string }>(
    `SELECT current_setting('server_version_num')::int AS v, current_database() AS db`,
  );
  const ext = await client.query<{ extname: string; extversion: string }>(
    'SELECT extname, extversion FROM pg_extension',
  );
  return {
    client,
    ctx: {
      serverVersion: info.rows[0]!.v,
      database: info.rows[0]!.db,
      extensions: new Map(ext.rows.map((r) => [r.extname, r.extversion])),
    },
  };
}

export async function runAll(
  client: pg.Client,
  ctx: ProbeContext,
  probes: readonly ProbeDefinition[],
): Promise<Map<string, ProbeResult>> {
  const results = new Map<string, ProbeResult>();
  for (const p of probes) results.set(p.name, await runProbe(client, p, ctx));
  return results;
}

/** Objects every object probe has something to report about. */
const FIXTURE_SQL = `
  CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
  CREATE EXTENSION IF NOT EXISTS pg_buffercache;
  CREATE TABLE orders (id serial PRIMARY KEY, customer int, note text, created timestamptz DEFAULT now());
  CREATE INDEX orders_customer_idx ON orders (customer);
  CREATE INDEX orders_customer_dup_idx ON orders (customer);
  CREATE INDEX orders_note_lower_idx ON orders (lower(note)) WHERE customer > 10;
  CREATE INDEX orders_note_lower_again_idx ON orders (lower(note)) WHERE customer > 10;
  ALTER TABLE orders ADD CONSTRAINT orders_customer_check CHECK (customer >= 0);
  INSERT INTO orders (customer, note) SELECT g % 100, repeat('x', 50) FROM generate_series(1, 20000) g;
  DELETE FROM orders WHERE id % 3 = 0;
  CREATE TABLE events (at timestamptz NOT NULL, payload text) PARTITION BY RANGE (at);
  CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
  CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
  INSERT INTO events SELECT '2026-06-01'::timestamptz + g * interval '1 hour', 'e' FROM generate_series(1, 2000) g;
  CREATE TABLE audit_trail (msg text);
  INSERT INTO audit_trail VALUES ('a');
  CREATE SEQUENCE ticket_seq;
  SELECT setval('ticket_seq', 1000);
  CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql AS 'SELECT i + 1';
  CREATE VIEW big_orders AS SELECT * FROM orders WHERE customer > 50;
  CREATE PUBLICATION orders_pub FOR TABLE orders;
  ANALYZE;
  SELECT count(*) FROM orders WHERE customer = 5;
`;

/**
 * Loads the fixture from its own session and waits until its statistics are
 * visible (a session's counters reach the shared stats when it ends; on 14 the
 * stats collector then receives them asynchronously).
 */
export async function loadFixture(url: string): Promise<void> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query(FIXTURE_SQL);
  await setup.end();
  const check = new pg.Client({ connectionString: url });
  await check.connect();
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      await check.query('SELECT pg_stat_clear_snapshot()');
      const r = await check.query<{ n: number }>(
        `SELECT coalesce(sum(n_tup_ins), 0)::int AS n FROM pg_stat_user_tables WHERE relname LIKE 'events_%'`,
      );
      if (r.rows[0]?.n === 2000) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('fixture statistics never became visible');
  } finally {
    await check.end();
  }
}
