import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import type { Collector } from '../src/collector';
import { count, registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;
// Change-tracked probes of both scopes, every second, plus connectivity.
const probes = ['connectivity', 'settings', 'schema_snapshot'].map((name) => ({
  ...getProbe(name)!,
  intervalSeconds: 1,
}));

describe(`collector restart on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let target: TestDatabase;
  let serverId: number;
  let current: Collector | null = null;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    target = await freshDatabase(major, 'restarted');
    serverId = await registerServer(ds.db, 'main', target.url);
    await sql('CREATE TABLE kept (id int PRIMARY KEY)');
  });
  afterAll(async () => {
    await current?.stop();
    await ds?.drop();
    await target?.drop();
  });

  async function sql(text: string): Promise<void> {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    await c.query(text);
    await c.end();
  }

  const snapshots = (probe: string) =>
    count(
      ds.db,
      `SELECT count(DISTINCT collected_at)::int AS n FROM metrics.${probe}
        WHERE server_id = $1 ${probe === 'schema_snapshot' ? 'AND database_name = $2' : ''}`,
      probe === 'schema_snapshot' ? [serverId, target.name] : [serverId],
    );

  /** Starts a collector and waits until it ran each change-tracked probe twice. */
  async function startAndRunTwice(): Promise<Collector> {
    const collector = testCollector(ds.db, 'c1', { probes });
    // database-scope probes also run in the test server's other databases: count ours
    const runs: string[] = [];
    vi.spyOn(collector.stats, 'record').mockImplementation((r, _late, _first, database) => {
      if (r.status === 'ok' && (database === undefined || database === target.name)) {
        runs.push(r.probe);
      }
    });
    current = collector;
    await collector.start();
    await waitFor(
      async () =>
        ['settings', 'schema_snapshot'].every((p) => runs.filter((r) => r === p).length >= 2),
      'two runs of each change-tracked probe',
    );
    await collector.flush();
    return collector;
  }

  it('stores one snapshot across start, stop, start while nothing changed', async () => {
    await startAndRunTwice();
    expect(await snapshots('settings')).toBe(1);
    expect(await snapshots('schema_snapshot')).toBe(1);
    await current!.stop();
    current = null;

    await startAndRunTwice();
    expect(await snapshots('settings')).toBe(1);
    expect(await snapshots('schema_snapshot')).toBe(1);
  });

  it('still stores a changed snapshot after the restart', async () => {
    await sql('CREATE TABLE added_after_restart (id int)');
    await waitFor(
      () => snapshots('schema_snapshot').then((n) => n === 2),
      'a second schema snapshot',
    );
    expect(await snapshots('settings')).toBe(1);
  });
});
