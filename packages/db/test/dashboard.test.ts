import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bucketSecondsFor,
  getServerOverview,
  listActiveAlerts,
  listDatabaseTables,
  listFleet,
  listTopQueries,
  readChart,
  shapeChart,
} from '@pgvigil/db/dashboard';
import { ensureMetricTable, readSeries, refreshRollup, writeSamples } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';

// As an older collector wrote it: the tuple counters came later, so the tuples
// chart must say which columns are missing rather than draw zeros.
const FULL_STATS = getProbe('database_stats')!;
const TUPLE_COLUMNS = ['tup_fetched', 'tup_returned', 'tup_inserted', 'tup_updated', 'tup_deleted'];
const DATABASE_STATS = {
  ...FULL_STATS,
  columns: FULL_STATS.columns.filter((c) => !TUPLE_COLUMNS.includes(c.name)),
};

const t0 = new Date('2026-03-10T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const statements = getProbe('statements')!;

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
    await ensureMetricTable(ds.db, DATABASE_STATS, t0);
    // two databases; "app" resets between minutes 3 and 4 (a restart)
    const app = [0, 60, 120, 180, 30, 90, 150, 210, 270, 330, 390];
    await writeSamples(ds.db, [
      {
        spec: DATABASE_STATS,
        samples: app.map((v, i) => ({
          collectedAt: at(i),
          serverId: ids['db-00']!,
          rows: [
            {
              datname: 'app',
              xact_commit: v,
              xact_rollback: i,
              deadlocks: 0,
              blks_hit: i * 540,
              blks_read: i * 60,
            },
            {
              datname: 'postgres',
              xact_commit: i * 120,
              xact_rollback: 0,
              deadlocks: 0,
              blks_hit: 0,
              blks_read: 0,
            },
          ],
        })),
      },
    ]);
    await ds.db.query(
      `INSERT INTO server_status (server_id, state, error_code, error_message, since, checked_at, collector_id)
       SELECT id, CASE WHEN name = 'db-02' THEN 'down' ELSE 'up' END,
              CASE WHEN name = 'db-02' THEN 'refused' END, CASE WHEN name = 'db-02' THEN 'connection refused' END,
              $1, $1, 'c1'
         FROM servers WHERE name <> 'db-03'`,
      [at(-90)],
    );
  });
  afterAll(() => ds.drop());

  it('lists the fleet worst first: down, then by worst active alert, with current rates', async () => {
    const page = await listFleet({ db: ds.db, input: { limit: 5 }, at: at(10) });
    expect(page.total).toBe(60);
    expect(page.servers.map((s) => [s.name, s.health, s.activeAlerts])).toEqual([
      ['db-02', 'down', 0],
      ['db-07', 'critical', 1],
      ['db-01', 'degraded', 1],
      ['db-00', 'ok', 0],
      ['db-03', 'unknown', 0],
    ]);
    const db0 = page.servers.find((s) => s.name === 'db-00');
    // app: 1 commit/s + 1 rollback/min, postgres: 2 commits/s; app reads 9 hits per disk read
    expect(db0?.tps).toBeCloseTo(3 + 1 / 60, 6);
    expect(db0).toMatchObject({ cacheHitPct: 90, connectionsUsedPct: null });
  });

  it('searches, filters and paginates in the datastore', async () => {
    const search = await listFleet({
      db: ds.db,
      input: { q: '10.0.0.5', sort: 'name', dir: 'asc' },
      at: at(0),
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
      input: { environment: 'staging', sort: 'name', dir: 'desc', offset: 10, limit: 10 },
      at: at(0),
    });
    expect(staging.total).toBe(30);
    expect(staging.servers[0]?.name).toBe('db-39');
    const tagged = await listFleet({ db: ds.db, input: { tag: 'eu' }, at: at(0) });
    expect(tagged.servers.map((s) => s.name)).toEqual(['db-05']);
    const wildcard = await listFleet({ db: ds.db, input: { q: '%' }, at: at(0) });
    expect(wildcard.total).toBe(0);
    await expect(
      listFleet({ db: ds.db, input: Object.fromEntries([['sort', 'password']]), at: at(0) }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: { sort: expect.any(String) },
    });
  });

  it('summarizes a server in words and lists only its active alerts', async () => {
    const o = await getServerOverview({ db: ds.db, input: { id: ids['db-01'] }, at: at(0) });
    const down = await getServerOverview({ db: ds.db, input: { id: ids['db-02'] }, at: at(0) });
    expect(down.summary).toEqual([
      'pgvigil cannot connect to db-02, for 90 min: connection refused.',
    ]);
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
      input: { serverId: ids['db-00']!, chart: 'tps', from: at(1), to: at(11) },
    });
    expect(chart.available).toBe(true);
    expect(chart.resolution).toBe('raw');
    expect(chart.bucketSeconds).toBe(60);
    // app: 1/s, postgres: 2/s; at the reset only postgres has a rate
    expect(chart.rows.map((r) => r.xact_commit)).toEqual([3, 3, 3, 2, 3, 3, 3, 3, 3, 3]);
    const one = await readChart({
      db: ds.db,
      input: {
        serverId: ids['db-00']!,
        chart: 'tps',
        database: 'postgres',
        from: at(1),
        to: at(3),
      },
    });
    expect(one.rows.map((r) => r.xact_commit)).toEqual([2, 2, 2]);
  });

  it('averages into buckets in the datastore exactly as shaping every row would', async () => {
    // 20 minutes at most 4 points: 5-minute buckets, each key averaged, then summed
    const input = { probe: 'database_stats', serverId: ids['db-00']!, from: at(0), to: at(20) };
    const columns = ['xact_commit', 'xact_rollback', 'blks_hit'];
    const every = await readSeries(ds.db, { ...input, columns, resolution: 'raw' });
    const bucketed = await readSeries(ds.db, {
      ...input,
      columns,
      resolution: 'raw',
      maxPoints: 4,
    });
    expect(bucketed.bucketSeconds).toBe(300);
    expect(bucketed.points.length).toBeLessThan(every.points.length / 3);
    const def = { columns, combine: 'sum' } as const;
    const mine = shapeChart(bucketed.points, def, 300);
    const reference = shapeChart(every.points, def, 300);
    expect(mine.series).toEqual(reference.series);
    expect(mine.rows).toHaveLength(reference.rows.length);
    mine.rows.forEach((row, n) => {
      for (const [k, v] of Object.entries(row)) expect(v).toBeCloseTo(reference.rows[n]![k]!, 9);
    });
  });

  it('reads hourly rollups, not raw rows, for a 30-day window', async () => {
    await refreshRollup(ds.db, DATABASE_STATS, '1h', {
      from: new Date('2026-03-10T10:00:00Z'),
      to: new Date('2026-03-10T11:00:00Z'),
    });
    const chart = await readChart({
      db: ds.db,
      input: {
        serverId: ids['db-00']!,
        chart: 'commits_rollbacks',
        from: new Date(t0.getTime() - 30 * 86400_000),
        to: at(60),
      },
    });
    expect(chart.resolution).toBe('1h');
    expect(chart.series).toEqual(['deadlocks', 'xact_rollback']);
    expect(chart.rows).toHaveLength(1);
    expect(chart.rows[0]?.xact_rollback).toBeCloseTo(1 / 60, 6);
  });

  it('ranks top queries of the window from statement deltas, hiding pgvigil by default', async () => {
    const server = ids['db-00']!;
    const before = await listTopQueries({
      db: ds.db,
      input: { serverId: server, from: at(0), to: at(10) },
    });
    expect(before).toMatchObject({
      available: false,
      reason: expect.stringContaining('shared_preload_libraries'),
    });
    await ensureMetricTable(ds.db, statements, t0);
    // userid 10 is pgvigil's role (it ran the marked statement 3), 20 the application's
    const row = (queryid: number, calls: number, ms: number, userid = 20) => ({
      queryid: String(queryid),
      userid,
      dbid: 5,
      calls,
      rows: calls,
      shared_blks_hit: 0,
      shared_blks_read: 0,
      temp_blks_written: 0,
      total_exec_time: ms,
    });
    await writeSamples(ds.db, [
      {
        spec: statements,
        samples: [
          {
            collectedAt: at(1),
            serverId: server,
            rows: [
              row(1, 10, 100),
              row(2, 1, 500),
              row(3, 99, 1000, 10),
              // the probe runner's transaction and timeout around each probe
              row(4, 98, 5, 10),
              row(5, 97, 5, 10),
              // COMMIT: pgvigil's and the application's
              row(6, 96, 5, 10),
              row(6, 7, 1, 20),
              // the version check on each connect
              row(7, 95, 1, 10),
            ],
          },
          { collectedAt: at(2), serverId: server, rows: [row(1, 30, 300)] },
          // outside the window
          { collectedAt: at(30), serverId: server, rows: [row(2, 100, 90_000)] },
        ],
      },
    ]);
    await ds.db.query(
      `INSERT INTO query_texts (server_id, queryid, query, first_seen)
       VALUES ($1, 1, 'SELECT * FROM orders WHERE id = $1', $2),
              ($1, 3, 'SELECT /* pgvigil:database_stats */ datname FROM pg_stat_database', $2),
              ($1, 4, 'BEGIN TRANSACTION READ ONLY', $2),
              ($1, 5, 'SET LOCAL statement_timeout = $1', $2),
              ($1, 6, 'COMMIT', $2),
              ($1, 7, 'SELECT current_setting($1) AS num, current_setting($2) AS version', $2)`,
      [server, at(0)],
    );
    const top = await listTopQueries({
      db: ds.db,
      input: { serverId: server, from: at(0), to: at(10) },
    });
    expect(top.queries.map((q) => [q.queryid, q.calls, q.totalTimeMs, q.meanTimeMs])).toEqual([
      ['2', 1, 500, 500],
      ['1', 40, 400, 10],
      ['6', 7, 1, 1 / 7],
    ]);
    const own = await listTopQueries({
      db: ds.db,
      input: { serverId: server, from: at(0), to: at(10), includeOwn: 'true', sort: 'calls' },
    });
    expect(own.queries.map((q) => q.queryid)).toEqual(['6', '3', '4', '5', '7', '1', '2']);
  });

  it("lists a database's tables from the newest sample, largest first, with scan rates", async () => {
    const server = ids['db-00']!;
    expect(
      await listDatabaseTables({
        db: ds.db,
        input: { serverId: server, database: 'app' },
        at: at(20),
      }),
    ).toEqual([]);
    const tables = getProbe('tables')!;
    await ensureMetricTable(ds.db, tables, t0);
    const row = (relname: string, seq: number, heap: number) => ({
      schemaname: 'public',
      relname,
      seq_scan: seq,
      n_dead_tup: 3,
      heap_bytes: heap,
      index_bytes: 100,
    });
    await writeSamples(ds.db, [
      {
        spec: tables,
        samples: [
          {
            collectedAt: at(0),
            serverId: server,
            database: 'app',
            rows: [row('small', 0, 10), row('big', 0, 5000)],
          },
          {
            collectedAt: at(10),
            serverId: server,
            database: 'app',
            rows: [row('small', 600, 10), row('big', 60, 5000)],
          },
        ],
      },
    ]);
    const list = await listDatabaseTables({
      db: ds.db,
      input: { serverId: server, database: 'app' },
      at: at(20),
    });
    expect(list.map((t) => [t.relname, t.totalBytes, t.seqScansPerSecond, t.deadTuples])).toEqual([
      ['big', 5100, 0.1, 3],
      ['small', 110, 1, 3],
    ]);
  });

  it('says what to do when a probe has never been collected', async () => {
    const chart = await readChart({
      db: ds.db,
      input: { serverId: ids['db-00']!, chart: 'io', from: at(0), to: at(10) },
    });
    expect(chart).toMatchObject({ available: false, reason: expect.stringContaining('16') });
    const partial = await readChart({
      db: ds.db,
      input: { serverId: ids['db-00']!, chart: 'tuples', from: at(0), to: at(10) },
    });
    expect(partial).toMatchObject({
      available: false,
      reason: expect.stringContaining('tup_fetched'),
    });
    await expect(
      readChart({
        db: ds.db,
        input: { serverId: ids['db-00']!, chart: 'nope', from: at(0), to: at(1) },
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
