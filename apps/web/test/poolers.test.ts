import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PGBOUNCER_USERS,
  serverUrl,
  startPgbouncer,
  testMajors,
  type TestDatastore,
  type TestPgbouncer,
} from '@pgvigil/db/testing';
import * as servers from '@/app/api/v1/servers/route';
import * as testRoute from '@/app/api/v1/servers/test/route';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import { POOLER_PROBES, runPoolerProbe } from '@pgvigil/probes';
import pg from 'pg';
import { prefetchCharts } from '@/components/dashboard/load';
import { POOLER_CHARTS } from '@/components/dashboard/pooler-overview';
import { call, firstAdminCookie, type Handler, webDatastore } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;

/** A pooler registered and tested through the API, against a real PgBouncer. */
describe('poolers through the API', () => {
  let ds: TestDatastore;
  let bouncer: TestPgbouncer;
  let cookie = '';
  let poolerId = 0;

  beforeAll(async () => {
    [ds, bouncer] = await Promise.all([
      webDatastore(major),
      startPgbouncer({ serverUrl: serverUrl(major) }),
    ]);
    cookie = await firstAdminCookie();
  });
  afterAll(async () => {
    await bouncer?.stop();
    await ds?.drop();
  });

  it('registers a pooler by connection string, linked to its server, and tests it', async () => {
    const pg = await call(h(servers.POST), {
      method: 'POST',
      cookie,
      body: { name: 'pg', url: `${serverUrl(major)}?sslmode=disable` },
    });
    expect(pg.status).toBe(201);
    const serverId = (pg.json.server as { id: number }).id;
    const { user, password } = PGBOUNCER_USERS.stats;
    const created = await call(h(servers.POST), {
      method: 'POST',
      cookie,
      body: {
        name: 'bouncer',
        kind: 'pgbouncer',
        url: `postgres://${user}:${password}@127.0.0.1:${bouncer.port}/pgbouncer?sslmode=disable`,
        fronts: [serverId],
      },
    });
    expect(created.status).toBe(201);
    const pooler = created.json.server as { id: number };
    poolerId = pooler.id;
    expect(created.json.server).toMatchObject({
      kind: 'pgbouncer',
      fronts: [serverId],
      dbname: 'pgbouncer',
    });
    const tested = await call(h(testRoute.POST), {
      method: 'POST',
      cookie,
      body: { serverId: pooler.id },
    });
    expect(tested.json).toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/^PgBouncer/),
    });
    // an unsaved pooler with a user outside stats_users: the cause and the fix
    const refused = await call(h(testRoute.POST), {
      method: 'POST',
      cookie,
      body: {
        kind: 'pgbouncer',
        host: '127.0.0.1',
        port: bouncer.port,
        username: PGBOUNCER_USERS.client.user,
        password: PGBOUNCER_USERS.client.password,
        sslmode: 'disable',
      },
    });
    expect(refused.json).toMatchObject({
      ok: false,
      error: { code: 'pooler_not_allowed', fix: expect.stringContaining('stats_users') },
    });
  });

  // What the pooler's page (/servers/<id>) draws, through the loader the page itself calls:
  // samples from the real pooler probes, two runs apart with traffic in between.
  it("the pooler page's charts have data from the real probes", async () => {
    const now = Date.now();
    const runs = [new Date(now - 60_000), new Date(now - 30_000)];
    for (const collectedAt of runs) {
      const through = new pg.Client({ connectionString: bouncer.clientUrl() });
      await through.connect();
      for (let i = 0; i < 5; i++) await through.query('SELECT 1');
      await through.end();
      const admin = new pg.Client({ connectionString: bouncer.adminUrl() });
      await admin.connect();
      try {
        for (const probe of POOLER_PROBES) {
          const result = await runPoolerProbe(admin, probe);
          expect(result, probe.name).toMatchObject({ status: 'ok' });
          if (result.status !== 'ok') continue;
          await ensureMetricTable(ds.db, probe, collectedAt);
          await writeSamples(ds.db, [
            { spec: probe, samples: [{ collectedAt, serverId: poolerId, rows: result.rows }] },
          ]);
        }
      } finally {
        await admin.end();
      }
    }
    const charts = await prefetchCharts(poolerId, POOLER_CHARTS, {
      from: new Date(now - 15 * 60_000).toISOString(),
      to: new Date(now).toISOString(),
    });
    for (const { id } of POOLER_CHARTS) {
      expect(charts[id], id).toMatchObject({ available: true });
      expect(charts[id]!.t.length, id).toBeGreaterThan(0);
      expect(charts[id]!.series.length, id).toBeGreaterThan(0);
    }
  });
});
