import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, type Db } from '@pgvigil/db';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import { readSeries } from '@pgvigil/db/metrics';
import {
  startTestServers,
  testMajors,
  TEST_PASSWORD,
  TEST_SERVER_SETTINGS,
} from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import type { Collector } from '../src/collector';
import { count, FAST_PROBES, registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;
type TestCluster = Awaited<ReturnType<typeof startTestServers>>;

/** Stops an embedded server and starts it again on the same data folder and port. */
async function restart(cluster: TestCluster, server: EmbeddedServer): Promise<EmbeddedServer> {
  await server.stop();
  return startEmbedded({
    dataDir: path.join(cluster.root, `pg${major}`),
    major,
    port: server.port,
    superuserPassword: TEST_PASSWORD,
    settings: TEST_SERVER_SETTINGS,
  });
}

// A probe that always outlives its statement_timeout.
const SLOW = {
  ...getProbe('prepared_xacts')!,
  name: 'slow_probe',
  intervalSeconds: 1,
  timeoutMs: 100,
  sql: [
    {
      minVersion: 0,
      sql: 'SELECT 0 AS prepared, pg_sleep(1)::text::double precision AS oldest_seconds, 0::bigint AS oldest_xid_age',
    },
  ],
};

describe(`collector faults on PostgreSQL ${major}`, () => {
  let watched: TestCluster;
  let store: TestCluster;
  let watchedServer: EmbeddedServer;
  let storeServer: EmbeddedServer;
  let db: Db;
  let collector: Collector;
  let serverId: number;

  beforeAll(async () => {
    [watched, store] = await Promise.all([startTestServers([major]), startTestServers([major])]);
    watchedServer = watched.servers.get(major)!;
    storeServer = store.servers.get(major)!;
    db = createDb({ url: storeServer.url(), applicationName: 'pgvigil-test' });
    await migrate(db);
    serverId = await registerServer(db, 'flaky', watchedServer.url());
    collector = testCollector(db, 'faulty', { probes: [...FAST_PROBES, SLOW] });
    await collector.start();
    await waitFor(
      () =>
        count(db, 'SELECT count(*)::int AS n FROM metrics.connectivity WHERE up').then(
          (n) => n > 0,
        ),
      'first samples',
    );
  });
  afterAll(async () => {
    await collector?.stop();
    await db?.close();
    // the tests restart both servers: stop the running instances, not only the first ones,
    // before each cluster removes its folder (else it removes a live server's files)
    await Promise.all([watchedServer?.stop(), storeServer?.stop()]);
    await Promise.all([watched?.stop(), store?.stop()]);
  });

  it('a probe that times out is a counted failure and the others go on', async () => {
    await waitFor(async () => (collector.info().probeFailures as number) > 0, 'a timeout');
    expect(collector.info().lastProbeFailure).toMatch(/^slow_probe: timed out after 100 ms/);
    const before = await count(db, 'SELECT count(*)::int AS n FROM metrics.database_stats');
    await waitFor(
      () =>
        count(db, 'SELECT count(*)::int AS n FROM metrics.database_stats').then((n) => n > before),
      'more samples after the timeouts',
    );
  });

  it('marks a stopped server down with a classified error, and recovers when it returns', async () => {
    await watchedServer.stop();
    const down = await waitFor(async () => {
      const rows = await db.query<{ state: string; error_code: string }>(
        'SELECT state, error_code FROM server_status WHERE server_id = $1',
        [serverId],
      );
      return rows[0]?.state === 'down' ? rows[0] : null;
    }, 'server marked down');
    expect(down.error_code).toBe('connection_refused');
    await waitFor(
      () =>
        count(
          db,
          `SELECT count(*)::int AS n FROM metrics.connectivity WHERE NOT up AND error_code = 'connection_refused'`,
        ).then((n) => n > 0),
      'a down connectivity sample',
    );
    watchedServer = await startEmbedded({
      dataDir: path.join(watched.root, `pg${major}`),
      major,
      port: watchedServer.port,
      superuserPassword: TEST_PASSWORD,
      settings: TEST_SERVER_SETTINGS,
    });
    // Counters start again from zero: the interval across the reset must have no rate.
    const c = new pg.Client({ connectionString: watchedServer.url() });
    await c.connect();
    await c.query('SELECT pg_stat_reset_shared($1)', ['bgwriter']).catch(() => undefined);
    await c.query('SELECT pg_stat_reset()');
    await c.end();
    const upAgain = Date.now();
    await waitFor(
      () =>
        count(
          db,
          `SELECT count(DISTINCT collected_at)::int AS n FROM metrics.database_stats WHERE collected_at > $1`,
          [new Date(upAgain)],
        ).then((n) => n >= 3),
      'three samples after the restart',
      60_000,
    );
    const series = await readSeries(db, {
      probe: 'database_stats',
      serverId,
      columns: ['xact_commit', 'blks_hit'],
      keys: { datname: 'postgres' },
      from: new Date(upAgain - 120_000),
      to: new Date(),
    });
    const rates = series.points.flatMap((p) => [p.values.xact_commit, p.values.blks_hit]);
    expect(rates.some((r) => r !== null)).toBe(true);
    expect(rates.every((r) => r == null || r >= 0)).toBe(true);
    expect(collector.info().serversDown).toBe(0);
  });

  it('buffers samples while the datastore restarts and writes them when it is back', async () => {
    await storeServer.stop();
    const stoppedAt = new Date();
    await waitFor(
      async () => collector.buffer.rows > 0,
      'rows buffered while the datastore is down',
    );
    storeServer = await restart(store, storeServer);
    await waitFor(
      () =>
        count(
          db,
          'SELECT count(*)::int AS n FROM metrics.database_stats WHERE collected_at >= $1',
          [stoppedAt],
        ).then((n) => n > 0),
      'buffered samples written',
      60_000,
    );
    expect(collector.info().droppedRows).toBe(0);
  });
});
