import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { readRuleRows } from '@pgvigil/db/alerting';
import type { Collector } from '../src/collector';
import { registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The application: single-row updates on `events`, one after another, until stopped. */
function workload(url: string, limit = Infinity) {
  let running = true;
  const latencies: number[] = [];
  const done = (async () => {
    const app = await connect(url);
    try {
      for (let i = 0; running && i < limit; i++) {
        const t = performance.now();
        await app.query('UPDATE events SET n = n + 1 WHERE id = $1', [(i % 100) + 1]);
        latencies.push(performance.now() - t);
      }
    } finally {
      await app.end();
    }
  })();
  const result = async () => {
    await done;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
    return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
  };
  return {
    result,
    stop() {
      running = false;
      return result();
    },
  };
}

describe(`collector cycles during DDL on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let target: TestDatabase;
  let collector: Collector;
  let serverId: number;

  beforeAll(async () => {
    [ds, target] = await Promise.all([freshDatastore(major), freshDatabase(major, 'ddlcycle')]);
    const setup = await connect(target.url);
    await setup.query(`
      CREATE TABLE orders (id int PRIMARY KEY, note text);
      INSERT INTO orders SELECT g, 'x' FROM generate_series(1, 1000) g;
      CREATE TABLE events (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
      INSERT INTO events (id) SELECT g FROM generate_series(1, 100) g;
      CREATE TABLE audit (at timestamptz DEFAULT now());`);
    await setup.end();
    // the application alone, for comparison with the figures printed below
    const alone = workload(target.url, 3000);
    const base = await alone.result();
    console.log(
      `application alone: ${base.count} updates, p50 ${base.p50.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms, max ${base.max.toFixed(1)} ms`,
    );
    serverId = await registerServer(ds.db, 'ddl', target.url);
    collector = testCollector(ds.db, 'ddl');
    await collector.start();
  });
  afterAll(async () => {
    await collector?.stop();
    await ds?.drop();
    await target?.drop();
  });

  /**
   * `tables` samples of the target database after `since`: relname -> skipped, per sample.
   * Read as the dashboards and the alerter read them: `tables` is sparse (a run stores
   * the rows that moved), and the readers carry the others forward.
   */
  async function samplesSince(since: Date) {
    const rows = await readRuleRows(ds.db, {
      probe: 'tables',
      columns: ['relname', 'skipped'],
      serverIds: [serverId],
      from: since,
      to: new Date(),
    });
    const samples = new Map<number, { collected_at: Date; rows: Record<string, string | null> }>();
    for (const r of rows.filter((r) => r.database_name === target.name)) {
      const t = r.collected_at.getTime();
      const sample = samples.get(t) ?? { collected_at: r.collected_at, rows: {} };
      samples.set(t, sample);
      sample.rows[String(r.values.relname)] = (r.values.skipped as string | null) ?? null;
    }
    return [...samples.values()].sort(
      (a, b) => a.collected_at.getTime() - b.collected_at.getTime(),
    );
  }

  /**
   * No probe failed on a lock: one that waited on the held table would end in its
   * lock_timeout. Any other failure is printed with its reason: once in CI a single
   * probe failed during this file for a reason the test did not record then.
   */
  function expectNoLockFailure() {
    const { probeFailures, lastProbeFailure } = collector.info();
    if (Number(probeFailures) > 0)
      console.log(`probe failures: ${String(probeFailures)}, last: ${String(lastProbeFailure)}`);
    expect(String(lastProbeFailure ?? '')).not.toMatch(/lock|55P03|orders/i);
  }

  async function threeCycles(since: Date) {
    return waitFor(async () => {
      const samples = await samplesSince(since);
      return samples.length >= 3 ? samples : null;
    }, 'three tables samples');
  }

  it('a table held in ACCESS EXCLUSIVE is skipped with the reason, every other table collected', async () => {
    const migration = await connect(target.url);
    try {
      await migration.query('BEGIN');
      await migration.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
      const since = new Date();
      const app = workload(target.url);
      const samples = await threeCycles(since);
      const latency = await app.stop();
      console.log(
        `ACCESS EXCLUSIVE held: ${samples.length} tables samples; application ${latency.count} updates, p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
      );
      for (const s of samples) {
        expect(s.rows.orders).toMatch(/^orders: AccessExclusiveLock held by pid \d+/);
        expect(s.rows).toMatchObject({ events: null, audit: null });
      }
      expectNoLockFailure();
    } finally {
      await migration.end();
    }
  });

  it('an ALTER TABLE queued behind a long transaction neither blanks nor waits for pgvigil', async () => {
    const longTx = await connect(target.url);
    const migration = await connect(target.url);
    try {
      await longTx.query('BEGIN');
      await longTx.query('SELECT count(*) FROM orders');
      const altered = migration.query('ALTER TABLE orders ADD COLUMN flag boolean').then(
        () => 'altered',
        (err: Error) => err.message,
      );
      const since = new Date();
      const app = workload(target.url);
      const samples = await threeCycles(since);
      const latency = await app.stop();
      console.log(
        `ALTER TABLE queued: ${samples.length} tables samples; application ${latency.count} updates, p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
      );
      for (const s of samples) {
        expect(s.rows.orders).toMatch(/^orders: AccessExclusiveLock awaited by pid \d+/);
        expect(s.rows).toMatchObject({ events: null, audit: null });
      }
      await longTx.query('COMMIT');
      expect(await altered).toBe('altered');
      expectNoLockFailure();
    } finally {
      await longTx.end();
      await migration.end();
    }
  });
});
