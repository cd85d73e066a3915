import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshDatastore,
  startTestServers,
  testMajors,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import type { Collector } from '../src/collector';
import { count, registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;

describe(`database probes that are unavailable on PostgreSQL ${major}`, () => {
  let watched: Awaited<ReturnType<typeof startTestServers>>;
  let ds: TestDatastore;
  let collector: Collector | undefined;

  beforeAll(async () => {
    [watched, ds] = await Promise.all([startTestServers([major]), freshDatastore(major)]);
    const admin = new pg.Client({ connectionString: watched.servers.get(major)!.url() });
    await admin.connect();
    for (const name of ['app_a', 'app_b', 'app_c']) await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
  });
  afterAll(async () => {
    await collector?.stop();
    await ds?.drop();
    await watched?.stop();
  });

  it('are not retried every interval: no session is opened to learn nothing', async () => {
    const url = watched.servers.get(major)!.url();
    const serverId = await registerServer(ds.db, 'no-spock', url);
    // spock is not installed anywhere: every run in every database is unavailable
    const probes = ['connectivity', 'spock_exceptions'].map((name) => ({
      ...getProbe(name)!,
      intervalSeconds: 1,
    }));
    collector = testCollector(ds.db, 'unavailable', { probes });
    await collector.start();
    await waitFor(
      async () => (collector!.info().probesUnavailable as number) >= 4,
      'spock_exceptions unavailable in the 4 databases',
    );
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    const sessions = async () => {
      await observer.query('SELECT pg_stat_clear_snapshot()');
      const r = await observer.query<{ n: number }>(
        `SELECT sum(sessions)::int AS n FROM pg_stat_database WHERE datname LIKE 'app_%'`,
      );
      return r.rows[0]!.n;
    };
    try {
      const before = await sessions();
      const samples = () =>
        count(ds.db, 'SELECT count(*)::int AS n FROM metrics.connectivity WHERE server_id = $1', [
          serverId,
        ]);
      const start = await samples();
      // five more instance cycles (a second each): five passes' worth of database sessions before
      await waitFor(async () => (await samples()) >= start + 5, 'five more cycles');
      expect(await sessions()).toBe(before);
    } finally {
      await observer.end();
    }
  });
});
