import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allMajors, freshDatabase, type TestDatabase } from '@pgvigil/db/testing';
import { PROBES, type ProbeResult } from '../src/index';
import { loadFixture, probeSession, runAll } from './helpers';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

function failures(results: Map<string, ProbeResult>): string[] {
  return [...results.values()]
    .filter((r) => r.status === 'failed')
    .map((r) => `${r.probe}: ${r.status === 'failed' ? r.reason : ''}`);
}

const rowsOf = (results: Map<string, ProbeResult>, name: string) => {
  const r = results.get(name);
  return r?.status === 'ok' ? r.rows : [];
};

describe.each(allMajors())('DDL on one table does not blank a probe on PostgreSQL %i', (major) => {
  let target: TestDatabase;

  beforeAll(async () => {
    target = await freshDatabase(major, 'ddl');
    await loadFixture(target.url);
  });
  afterAll(async () => {
    await target?.drop();
  });

  it('collects every other table, and says why the locked one has estimated sizes', async () => {
    const migration = await connect(target.url);
    const { client, ctx } = await probeSession(target.url);
    try {
      await migration.query('BEGIN');
      await migration.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
      const results = await runAll(client, ctx, PROBES);
      expect(failures(results)).toEqual([]);

      const tables = rowsOf(results, 'tables');
      const orders = tables.find((r) => r.relname === 'orders');
      expect(orders?.skipped).toMatch(/^orders: AccessExclusiveLock held by pid \d+/);
      expect(orders?.n_live_tup).toEqual(expect.any(Number));
      const events = tables.find((r) => r.relname === 'events');
      expect(events).toMatchObject({ skipped: null, partitions: 3 });
      expect(events?.heap_bytes).toBeGreaterThan(0);
      expect(results.get('tables')).toMatchObject({
        notes: [expect.stringMatching(/orders: AccessExclusiveLock held/)],
      });
      expect(rowsOf(results, 'schema_snapshot').map((r) => r.name)).toEqual(
        expect.arrayContaining(['orders', 'big_orders', 'events']),
      );
    } finally {
      await migration.end();
      await client.end();
    }
  });

  it('does not queue behind an ALTER TABLE waiting for a long transaction', async () => {
    const longTx = await connect(target.url);
    const migration = await connect(target.url);
    const { client, ctx } = await probeSession(target.url);
    try {
      await longTx.query('BEGIN');
      await longTx.query('SELECT count(*) FROM orders');
      const altering = migration.query('ALTER TABLE orders ADD COLUMN flag boolean').then(
        () => 'altered',
        (err: Error) => err.message,
      );
      // wait until the ALTER is queued (a state, not a clock)
      for (;;) {
        const r = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks
            WHERE relation = 'orders'::regclass AND mode = 'AccessExclusiveLock' AND NOT granted`,
        );
        if (r.rows[0]?.n === 1) break;
      }
      const results = await runAll(client, ctx, PROBES);
      expect(failures(results)).toEqual([]);
      const orders = rowsOf(results, 'tables').find((r) => r.relname === 'orders');
      expect(orders?.skipped).toMatch(/^orders: AccessExclusiveLock awaited by pid \d+/);
      await longTx.query('COMMIT');
      expect(await altering).toBe('altered');
    } finally {
      await longTx.end();
      await migration.end();
      await client.end();
    }
  });
});
