import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChart } from '@pgvigil/db/dashboard';
import { createServer } from '@pgvigil/db/registry';
import {
  freshDatastore,
  PGBOUNCER_USERS,
  serverUrl,
  startPgbouncer,
  testMajors,
  type TestDatastore,
  type TestPgbouncer,
} from '@pgvigil/db/testing';
import { POOLER_PROBES } from '@pgvigil/probes';
import type { Collector } from '../src/collector';
import { box, count, FAST_PROBES, registerServer, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;
const FAST_POOLER_PROBES = POOLER_PROBES.map((p) => ({ ...p, intervalSeconds: 1 }));

describe('collector and a PgBouncer', () => {
  let ds: TestDatastore;
  let bouncer: TestPgbouncer;
  let collector: Collector | undefined;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    bouncer = await startPgbouncer({ serverUrl: serverUrl(major) });
  });
  afterAll(async () => {
    await collector?.stop();
    await bouncer?.stop();
    await ds?.drop();
  });

  it('runs pooler probes on the pooler only, and records it down when it stops', async () => {
    const serverId = await registerServer(ds.db, 'pg', serverUrl(major));
    const pooler = await createServer(ds.db, box, {
      name: 'bouncer',
      kind: 'pgbouncer',
      host: '127.0.0.1',
      port: bouncer.port,
      username: PGBOUNCER_USERS.stats.user,
      password: PGBOUNCER_USERS.stats.password,
      sslmode: 'disable',
      fronts: [serverId],
    });
    // one client through the pooler, so it has a pool to show
    const client = new pg.Client(bouncer.clientUrl());
    await client.connect();
    await client.query('SELECT 1');
    collector = testCollector(ds.db, 'c1', {
      probes: FAST_PROBES.filter((p) => p.name === 'connectivity' || p.name === 'settings'),
      poolerProbes: FAST_POOLER_PROBES,
    });
    await collector.start();
    const rows = (table: string, id: number) =>
      count(ds.db, `SELECT count(*)::int AS n FROM metrics.${table} WHERE server_id = $1`, [id]);
    await waitFor(
      async () =>
        (await rows('pgbouncer_pools', pooler.id)) > 0 &&
        (await rows('pgbouncer_config', pooler.id)) > 0 &&
        (await rows('connectivity', serverId)) > 0,
      'pooler and server samples',
    );
    // neither kind gets the other's probes
    expect(await rows('connectivity', pooler.id)).toBe(0);
    expect(await rows('settings', pooler.id)).toBe(0);
    expect(await rows('pgbouncer_pools', serverId)).toBe(0);
    const pool = await ds.db.query<{ pool_db: string; cl_active: number }>(
      'SELECT pool_db, cl_active FROM metrics.pgbouncer_pools WHERE server_id = $1 ORDER BY collected_at DESC LIMIT 1',
      [pooler.id],
    );
    expect(pool[0]).toMatchObject({ pool_db: 'app', cl_active: 1 });
    // the pooler page's chart reads them back
    const chart = await readChart({
      db: ds.db,
      input: {
        serverId: pooler.id,
        chart: 'pgbouncer_clients',
        from: new Date(Date.now() - 600_000),
        to: new Date(Date.now() + 60_000),
      },
    });
    expect(chart.available).toBe(true);
    await client.end();

    await bouncer.stop();
    await waitFor(
      () =>
        count(
          ds.db,
          `SELECT count(*)::int AS n FROM metrics.pgbouncer_connectivity
            WHERE server_id = $1 AND NOT up AND error_code = 'connection_refused'`,
          [pooler.id],
        ),
      'the pooler recorded down',
    );
  });
});
