import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '@pgvigil/db';
import { assertDatabaseSeen, assertQuerySeen } from '@pgvigil/db/dashboard';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';

const DATABASE_STATS = getProbe('database_stats')!;
const STATEMENT_DELTAS = getProbe('statements')!;

const t0 = new Date('2026-03-10T10:00:00Z');
/** What decides between a page and a 404 for the database and query levels. */
describe.each(testMajors())('objects pgvigil has seen, on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let serverId: number;
  let otherId: number;
  const seen = (p: Promise<void>) =>
    p.then(
      () => true,
      (e: unknown) => {
        if (e instanceof NotFoundError) return false;
        throw e;
      },
    );
  beforeAll(async () => {
    ds = await freshDatastore(major);
    [serverId, otherId] = (
      await ds.db.query<{ id: number }>(
        `INSERT INTO servers (name, host, username) VALUES ('a', 'h', 'u'), ('b', 'h', 'u') RETURNING id`,
      )
    ).map((r) => r.id) as [number, number];
  });
  afterAll(async () => {
    await ds?.drop();
  });

  it('says not found before the collector created any table, then after it saw the object', async () => {
    const database = () =>
      seen(assertDatabaseSeen({ db: ds.db, input: { serverId, database: 'app' } }));
    const query = (queryid: string, server = serverId) =>
      seen(assertQuerySeen({ db: ds.db, input: { serverId: server, queryid } }));
    expect(await database()).toBe(false);
    expect(await query('42')).toBe(false);

    await ensureMetricTable(ds.db, DATABASE_STATS, t0);
    await ensureMetricTable(ds.db, STATEMENT_DELTAS, t0);
    await writeSamples(ds.db, [
      {
        spec: DATABASE_STATS,
        samples: [{ collectedAt: t0, serverId, rows: [{ datname: 'app', xact_commit: 1 }] }],
      },
      {
        spec: STATEMENT_DELTAS,
        samples: [{ collectedAt: t0, serverId, rows: [{ queryid: '42', calls: 3 }] }],
      },
    ]);
    expect(await database()).toBe(true);
    expect(
      await seen(assertDatabaseSeen({ db: ds.db, input: { serverId: otherId, database: 'app' } })),
    ).toBe(false);
    expect(await query('42')).toBe(true);
    expect(await query('42', otherId)).toBe(false);
    // a stored text is enough, with no delta retained
    expect(await query('-7212318843211729999')).toBe(false);
    await ds.db.query(
      `INSERT INTO query_texts (server_id, queryid, query, first_seen) VALUES ($1, $2::bigint, 'SELECT 1', now())`,
      [serverId, '-7212318843211729999'],
    );
    expect(await query('-7212318843211729999')).toBe(true);
  });

  it('refuses malformed ids with a validation error, not a query', async () => {
    await expect(
      assertQuerySeen({ db: ds.db, input: { serverId, queryid: '1; DROP TABLE x' } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      assertDatabaseSeen({ db: ds.db, input: { serverId: -1, database: 'app' } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
