import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bucketSecondsFor,
  getServerOverview,
  listActiveAlerts,
  listFleet,
  readChart,
  shapeChart,
} from '@pgvigil/db/dashboard';
import {
  ensureMetricTable,
  refreshRollup,
  writeSamples,
  type MetricSpec,
} from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const t0 = new Date('2026-03-10T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

// The columns the dashboard's pg_stat_database charts read, in a database-scope table.
const dbStats: MetricSpec = {
  name: 'pg_stat_database',
  scope: 'database',
  intervalSeconds: 60,
  retentionDays: 7,
  changeTracked: false,
  columns: [
    { name: 'xact_commit', type: 'bigint', counter: true },
    { name: 'xact_rollback', type: 'bigint', counter: true },
  ],
};

describe('chart shaping (pure)', () => {
  it('sizes buckets to the source step and at most 300 points', () => {
    expect(bucketSecondsFor(at(0), at(60), 60)).toBe(60);
    expect(bucketSecondsFor(at(0), at(7 * 1440), 300)).toBe(2100);
    expect(bucketSecondsFor(at(0), at(30 * 1440), 3600)).toBe(3 * 3600);
  });

  it('averages each key within a bucket, then sums keys; split charts get one series per key', () => {
    const p = (m: number, state: string, count: number | null) => ({
      t: at(m),
      key: { database_name: 'x', state },
      values: { count },
    });
    const points = [p(0, 'active', 2), p(1, 'active', 4), p(0, 'idle', 10), p(1, 'idle', null)];
    expect(shapeChart(points, { columns: ['count'], combine: 'sum' }, 120)).toEqual({
      series: ['count'],
      rows: [{ t: at(0).getTime(), count: 13 }],
    });
    expect(
      shapeChart(points, { columns: ['count'], combine: 'sum', splitBy: 'state' }, 60).rows,
    ).toEqual([
      { t: at(0).getTime(), active: 2, idle: 10 },
      { t: at(1).getTime(), active: 4, idle: null },
    ]);
  });
});

describe.each(testMajors())('dashboard reads on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    ds = await freshDatastore(major);
    const [c] = await ds.db.query<{ id: number }>(
      `INSERT INTO clusters (name, environment) VALUES ('orders', 'production') RETURNING id`,
    );
    for (let n = 0; n < 60; n++) {
      const [s] = await ds.db.query<{ id: number }>(
        `INSERT INTO servers (name, host, username, environment, cluster_id, tags)
         VALUES ($1, '10.0.0.' || $2, 'pgvigil', $3, $4, $5) RETURNING id`,
        [
          `db-${String(n).padStart(2, '0')}`,
          n,
          n % 2 ? 'staging' : 'production',
          n < 3 ? c!.id : null,
          n === 5 ? ['eu'] : [],
        ],
      );
      ids[`db-${String(n).padStart(2, '0')}`] = s!.id;
    }
    const [rule] = await ds.db.query<{ id: number }>(
      `INSERT INTO rules (key, name, kind) VALUES ('replication_lag', 'Replication lag', 'builtin') RETURNING id`,
    );
    await ds.db.query(
      `INSERT INTO alerts (rule_id, server_id, fingerprint, state, severity, message, started_at, fired_at)
       VALUES ($1, $2, 'a', 'firing', 'critical', 'standby is 2 GB behind', $4, $4),
              ($1, $3, 'b', 'firing', 'warning', '', $4, $4),
              ($1, $3, 'c', 'resolved', 'critical', '', $4, $4)`,
      [rule!.id, ids['db-07'], ids['db-01'], at(-30)],
    );
    await ensureMetricTable(ds.db, dbStats, t0);
    // two databases; "app" resets between minutes 3 and 4 (a restart)
    const app = [0, 60, 120, 180, 30, 90, 150, 210, 270, 330, 390];
    await writeSamples(ds.db, [
      {
        spec: dbStats,
        samples: app.flatMap((v, i) => [
          {
            collectedAt: at(i),
            serverId: 1,
            database: 'app',
            rows: [{ xact_commit: v, xact_rollback: i }],
          },
          {
            collectedAt: at(i),
            serverId: 1,
            database: 'postgres',
            rows: [{ xact_commit: i * 120, xact_rollback: 0 }],
          },
        ]),
      },
    ]);
  });
  afterAll(() => ds.drop());

  it('lists the fleet worst first, with health from active alerts only', async () => {
    const page = await listFleet({ db: ds.db, input: { pageSize: 3 } });
    expect(page.total).toBe(60);
    expect(page.servers.map((s) => [s.name, s.health, s.activeAlerts])).toEqual([
      ['db-07', 'critical', 1],
      ['db-01', 'degraded', 1],
      ['db-00', 'ok', 0],
    ]);
  });

  it('searches, filters and paginates in the datastore', async () => {
    const search = await listFleet({
      db: ds.db,
      input: { q: '10.0.0.5', sort: 'name', dir: 'asc' },
    });
    expect(search.servers.map((s) => s.name)).toEqual([
      'db-05',
      'db-50',
      'db-51',
      'db-52',
      'db-53',
      'db-54',
      'db-55',
      'db-56',
      'db-57',
      'db-58',
      'db-59',
    ]);
    const staging = await listFleet({
      db: ds.db,
      input: { environment: 'staging', sort: 'name', dir: 'desc', page: 2, pageSize: 10 },
    });
    expect(staging.total).toBe(30);
    expect(staging.servers[0]?.name).toBe('db-39');
    const tagged = await listFleet({ db: ds.db, input: { tag: 'eu' } });
    expect(tagged.servers.map((s) => s.name)).toEqual(['db-05']);
    const wildcard = await listFleet({ db: ds.db, input: { q: '%' } });
    expect(wildcard.total).toBe(0);
    await expect(
      listFleet({ db: ds.db, input: Object.fromEntries([['sort', 'password']]) }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: { sort: expect.any(String) },
    });
  });

  it('summarizes a server in words and lists only its active alerts', async () => {
    const o = await getServerOverview({ db: ds.db, input: { id: ids['db-01'] }, at: at(0) });
    expect(o.health).toBe('degraded');
    expect(o.alerts).toHaveLength(1);
    expect(o.summary).toEqual(['warning: Replication lag, for 30 min.']);
    expect(o.clusterName).toBe('orders');
    const all = await listActiveAlerts({ db: ds.db, input: {} });
    expect(all.map((a) => a.severity)).toEqual(['critical', 'warning']);
    await expect(
      getServerOverview({ db: ds.db, input: { id: 999999 }, at: at(0) }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('charts TPS as a rate summed over databases, with no spike or dip at a counter reset', async () => {
    const chart = await readChart({
      db: ds.db,
      input: { serverId: 1, chart: 'tps', from: at(1), to: at(11) },
    });
    expect(chart.available).toBe(true);
    expect(chart.resolution).toBe('raw');
    expect(chart.bucketSeconds).toBe(60);
    // app: 1/s, postgres: 2/s; at the reset only postgres has a rate
    expect(chart.rows.map((r) => r.xact_commit)).toEqual([3, 3, 3, 2, 3, 3, 3, 3, 3, 3]);
    const one = await readChart({
      db: ds.db,
      input: { serverId: 1, chart: 'tps', database: 'postgres', from: at(1), to: at(3) },
    });
    expect(one.rows.map((r) => r.xact_commit)).toEqual([2, 2, 2]);
  });

  it('reads hourly rollups, not raw rows, for a 30-day window', async () => {
    await refreshRollup(ds.db, dbStats, '1h', {
      from: new Date('2026-03-10T10:00:00Z'),
      to: new Date('2026-03-10T11:00:00Z'),
    });
    const chart = await readChart({
      db: ds.db,
      input: {
        serverId: 1,
        chart: 'commits_rollbacks',
        from: new Date(t0.getTime() - 30 * 86400_000),
        to: at(60),
      },
    });
    expect(chart.resolution).toBe('1h');
    expect(chart.series).toEqual(['xact_commit', 'xact_rollback']);
    expect(chart.rows).toHaveLength(1);
    expect(chart.rows[0]?.xact_rollback).toBeCloseTo(1 / 60, 6);
  });

  it('says what to do when a probe has never been collected', async () => {
    const chart = await readChart({
      db: ds.db,
      input: { serverId: 1, chart: 'io', from: at(0), to: at(10) },
    });
    expect(chart).toMatchObject({ available: false, reason: expect.stringContaining('16') });
    const partial = await readChart({
      db: ds.db,
      input: { serverId: 1, chart: 'tuples', from: at(0), to: at(10) },
    });
    expect(partial).toMatchObject({
      available: false,
      reason: expect.stringContaining('tup_fetched'),
    });
    await expect(
      readChart({ db: ds.db, input: { serverId: 1, chart: 'nope', from: at(0), to: at(1) } }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
