import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError, type Queryable } from '@pgvigil/db';
import {
  getQueryHistory,
  getServerWaits,
  getStatementDetail,
  getStatementResources,
  listCpuStatements,
  listTopQueries,
} from '@pgvigil/db/dashboard';
import { ensureMetricTable, refreshRollup, writeSamples } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';

const STATEMENT_DELTAS = getProbe('statements')!;

const t0 = new Date('2026-03-10T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

const databaseSize = getProbe('database_size')!;

// A queryid beyond 2^53: it must survive as text end to end.
const BIG = '-7212318843211729999';

describe.each(testMajors())('query history on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let serverId: number;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    const [s] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('db', '10.0.0.1', 'pgvigil') RETURNING id`,
    );
    serverId = s!.id;
    await ensureMetricTable(ds.db, STATEMENT_DELTAS, t0);
    const row = (queryid: string, calls: number, ms: number, dbid = 5, seconds = 60) => ({
      queryid,
      userid: 20,
      dbid,
      calls,
      rows: calls * 2,
      shared_blks_hit: calls * 10,
      shared_blks_read: 1,
      temp_blks_read: 0,
      temp_blks_written: 3,
      total_exec_time: ms,
      interval_seconds: seconds,
    });
    // pgvigil's own statement runs every minute (1..5); the statement under test
    // only in minutes 1 and 2 (two databases in minute 2), then nothing.
    const samples = [1, 2, 3, 4, 5].map((m) => ({
      collectedAt: at(m),
      serverId,
      rows: [
        row('1', 1, 1),
        ...(m === 1 ? [row(BIG, 60, 600)] : []),
        ...(m === 2 ? [row(BIG, 100, 400), row(BIG, 20, 200, 6)] : []),
      ],
    }));
    // after a 10-minute collector gap, a run covering only 30 seconds
    samples.push({ collectedAt: at(15.5), serverId, rows: [row(BIG, 15, 15, 5, 30)] });
    await writeSamples(ds.db, [{ spec: STATEMENT_DELTAS, samples }]);
    // oid 5 was renamed (the newest name wins); oid 6 was never seen by database_size
    await ensureMetricTable(ds.db, databaseSize, t0);
    await writeSamples(ds.db, [
      {
        spec: databaseSize,
        samples: [
          { collectedAt: at(0), serverId, rows: [{ datname: 'shop', datid: 5, size_bytes: 1 }] },
          { collectedAt: at(3), serverId, rows: [{ datname: 'orders', datid: 5, size_bytes: 1 }] },
        ],
      },
    ]);
    await ds.db.query(
      `INSERT INTO query_texts (server_id, queryid, query, first_seen)
       VALUES ($1, $2::bigint, 'SELECT * FROM orders WHERE id = $1', $3)`,
      [serverId, BIG, at(0)],
    );
  });
  afterAll(async () => {
    await ds?.drop();
  });

  it('sums the window and draws rates per minute over the time the runs covered', async () => {
    const h = await getQueryHistory({
      db: ds.db,
      input: { serverId, queryid: BIG, from: at(0), to: at(5) },
    });
    expect(h).toMatchObject({
      queryid: BIG,
      query: 'SELECT * FROM orders WHERE id = $1',
      dbids: [5, 6],
      databases: [
        { dbid: 5, name: 'orders' },
        { dbid: 6, name: null },
      ],
      bucketSeconds: 60,
      totals: {
        calls: 180,
        totalTimeMs: 1200,
        meanTimeMs: 1200 / 180,
        rows: 360,
        sharedBlksHit: 1800,
        sharedBlksRead: 3,
        tempBlksRead: 0,
        tempBlksWritten: 9,
      },
    });
    // minutes 3..5: the collector ran and the statement did not, so 0 calls/s, no mean
    expect(h.points).toEqual([
      { t: at(1).getTime(), callsPerSecond: 1, meanTimeMs: 10, rowsPerSecond: 2 },
      { t: at(2).getTime(), callsPerSecond: 2, meanTimeMs: 5, rowsPerSecond: 4 },
      ...[3, 4, 5].map((m) => ({
        t: at(m).getTime(),
        callsPerSecond: 0,
        meanTimeMs: null,
        rowsPerSecond: 0,
      })),
    ]);
  });

  it('buckets a long window to at most 300 points and skips collector gaps', async () => {
    const h = await getQueryHistory({
      db: ds.db,
      input: { serverId, queryid: BIG, from: at(0), to: at(360) },
    });
    expect(h.resolution).toBe('raw');
    expect(h.bucketSeconds).toBe(120);
    expect(h.totals.calls).toBe(195);
    // 10:00 bucket: minute 1 alone (60 calls over 60 s); 10:02: minutes 2 and 3 (120
    // calls over 120 s); 10:04: minutes 4, 5; 10:14: one 30-second run (15 calls),
    // not diluted over the whole bucket
    expect(h.points.map((p) => [p.t, p.callsPerSecond])).toEqual([
      [at(0).getTime(), 1],
      [at(2).getTime(), 1],
      [at(4).getTime(), 0],
      [at(14).getTime(), 0.5],
    ]);
    expect(h.points.length).toBeLessThanOrEqual(300);
  });

  it('reads 7 and 30 days from the rollups (sums), the open bucket from raw runs', async () => {
    for (const level of ['5m', '1h'] as const)
      await refreshRollup(ds.db, STATEMENT_DELTAS, level, { from: at(-60), to: at(60) });
    const read = (days: number, to: Date) =>
      getQueryHistory({
        db: ds.db,
        input: { serverId, queryid: BIG, from: new Date(to.getTime() - days * 86_400_000), to },
      });
    const raw = await getQueryHistory({
      db: ds.db,
      input: { serverId, queryid: BIG, from: at(0), to: at(360) },
    });
    const week = await read(7, at(360));
    const month = await read(30, at(360));
    expect([week.resolution, month.resolution]).toEqual(['5m', '1h']);
    expect(week.totals).toEqual(raw.totals);
    expect(month.totals).toEqual(raw.totals);
    expect(month.dbids).toEqual([5, 6]);
    // one 3-hour bucket: 195 calls over the 330 seconds the runs covered, mean from sums
    expect(month.bucketSeconds).toBe(10_800);
    expect(month.points).toEqual([
      {
        t: Date.parse('2026-03-10T09:00:00Z'),
        callsPerSecond: 195 / 330,
        meanTimeMs: 1215 / 195,
        rowsPerSecond: 390 / 330,
      },
    ]);
    // the hour still open at `to` (10:00-10:10) is read from raw runs, not yet rolled up
    const open = await read(30, at(10));
    expect(open.resolution).toBe('1h');
    expect(open.totals.calls).toBe(180);
  });

  // Found: the server page's top queries read every raw run of the window, a week of
  // them half a million rows per server (1.1 s of datastore CPU for a 7-day server page,
  // 2.5 s for 30 days, on the bench's 100-server store).
  it('top queries of 7 and 30 days come from the rollups and equal the raw runs', async () => {
    for (const level of ['5m', '1h'] as const)
      await refreshRollup(ds.db, STATEMENT_DELTAS, level, { from: at(-60), to: at(60) });
    await ds.db.query(
      `INSERT INTO query_texts (server_id, queryid, query, first_seen)
       VALUES ($1, 1, '/* pgvigil:connectivity */ SELECT 1', $2) ON CONFLICT DO NOTHING`,
      [serverId, at(0)],
    );
    const top = (days: number | null, includeOwn = false, db: Queryable = ds.db) =>
      listTopQueries({
        db,
        input: {
          serverId,
          from: days === null ? at(0) : new Date(at(360).getTime() - days * 86_400_000),
          to: at(360),
          includeOwn,
        },
      });
    const raw = await top(null);
    expect(raw.queries.map((q) => [q.queryid, q.dbid, q.calls, q.totalTimeMs])).toEqual([
      [BIG, 5, 175, 1015],
      [BIG, 6, 20, 200],
    ]);
    // raw runs are kept 7 days: the week and the month read the rollups alone (the raw
    // runs deleted inside a transaction rolled back after)
    const rollback = new Error('rollback');
    await ds.db
      .tx(async (q) => {
        await q.query('DELETE FROM metrics.statements WHERE server_id = $1', [serverId]);
        expect(await top(7, false, q)).toEqual(raw);
        expect(await top(30, false, q)).toEqual(raw);
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
    // pgvigil's own statement is there when asked for, from the rollups too
    const own = await top(30, true);
    expect(own.queries.find((q) => q.queryid === '1')).toMatchObject({ calls: 5 });
    // the next tests know statement 1 by its runs only
    await ds.db.query(`DELETE FROM query_texts WHERE server_id = $1 AND queryid = 1`, [serverId]);
  });

  it('answers a known query that did not run in the window with zeros', async () => {
    const h = await getQueryHistory({
      db: ds.db,
      input: { serverId, queryid: BIG, from: at(3), to: at(5) },
    });
    expect(h.totals).toMatchObject({ calls: 0, meanTimeMs: null });
    expect(h.points.map((p) => p.callsPerSecond)).toEqual([0, 0]);
  });

  it('statement detail: the newest run, two roles pooled (mean by calls, spread pooled)', async () => {
    const detail = getProbe('statements_detail')!;
    await ensureMetricTable(ds.db, detail, t0);
    const row = (userid: number, calls: number, mean: number, jit: number | null) => ({
      queryid: BIG,
      userid,
      dbid: 5,
      toplevel: true,
      calls,
      min_exec_time: mean,
      max_exec_time: mean,
      mean_exec_time: mean,
      stddev_exec_time: 0,
      wal_records: 2,
      wal_fpi: 1,
      wal_bytes: 100,
      jit_functions: jit,
      jit_generation_time: jit,
    });
    await writeSamples(ds.db, [
      {
        spec: detail,
        samples: [
          { collectedAt: at(1), serverId, rows: [row(20, 1, 999, null)] },
          { collectedAt: at(6), serverId, rows: [row(20, 10, 10, 1), row(21, 10, 20, 2)] },
        ],
      },
    ]);
    const d = await getStatementDetail({ db: ds.db, input: { serverId, queryid: BIG } });
    expect(d).toMatchObject({
      collectedAt: at(6),
      calls: 20,
      exec: { min: 10, max: 20, mean: 15, stddev: 5 },
      plan: null, // track_planning off: not tracked, not 0
      walRecords: 4,
      localBlkReadTime: null,
      jit: { functions: 3, generationTime: 3, deformCount: null },
    });
    expect(await getStatementDetail({ db: ds.db, input: { serverId, queryid: '42' } })).toBeNull();
  });

  it('CPU, real I/O and waits of a statement and the server over a window', async () => {
    const input = { serverId, queryid: BIG, from: at(0), to: at(5) };
    // neither extension ever seen: nothing, not zeros
    expect(await getStatementResources({ db: ds.db, input })).toEqual({ kernel: null, waits: [] });
    expect(
      await getServerWaits({ db: ds.db, input: { serverId, from: at(0), to: at(5) } }),
    ).toEqual([]);
    const kcache = getProbe('statements_kcache')!;
    const waits = getProbe('statement_waits')!;
    const events = getProbe('wait_profile')!;
    for (const spec of [kcache, waits, events]) await ensureMetricTable(ds.db, spec, t0);
    const k = (userid: number, cpu: number) => ({
      queryid: BIG,
      userid,
      dbid: 5,
      toplevel: true,
      user_time: cpu,
      system_time: 1,
      reads: 8192,
      writes: 0,
      minflts: 3,
      majflts: 0,
      nvcsws: 2,
      nivcsws: 1,
      interval_seconds: 60,
    });
    const w = (queryid: string | null, type: string, event: string, samples: number) => ({
      ...(queryid === null ? {} : { queryid }),
      event_type: type,
      event,
      samples,
      wait_time: samples * 10,
      interval_seconds: 60,
    });
    await writeSamples(ds.db, [
      {
        spec: kcache,
        samples: [
          { collectedAt: at(1), serverId, rows: [k(20, 100), k(21, 50)] },
          { collectedAt: at(9), serverId, rows: [k(20, 1000)] }, // outside the window
        ],
      },
      {
        spec: waits,
        samples: [1, 2].map((m) => ({
          collectedAt: at(m),
          serverId,
          rows: [
            w(BIG, 'IO', 'DataFileRead', 5),
            w(BIG, 'CPU', 'CPU', 2),
            w('1', 'Lock', 'relation', 90),
          ],
        })),
      },
      {
        spec: events,
        samples: [
          {
            collectedAt: at(2),
            serverId,
            rows: [w(null, 'Lock', 'relation', 90), w(null, 'CPU', 'CPU', 7)],
          },
        ],
      },
    ]);
    expect(await getStatementResources({ db: ds.db, input })).toEqual({
      kernel: {
        userTimeMs: 150,
        systemTimeMs: 2,
        readBytes: 16384,
        writeBytes: 0,
        minorFaults: 6,
        majorFaults: 0,
        voluntarySwitches: 4,
        involuntarySwitches: 2,
      },
      waits: [
        { eventType: 'IO', event: 'DataFileRead', samples: 10, waitMs: 100 },
        { eventType: 'CPU', event: 'CPU', samples: 4, waitMs: 40 },
      ],
    });
    expect(
      await getServerWaits({ db: ds.db, input: { serverId, from: at(0), to: at(5) } }),
    ).toEqual([
      { eventType: 'Lock', event: 'relation', samples: 90, waitMs: 900 },
      { eventType: 'CPU', event: 'CPU', samples: 7, waitMs: 70 },
    ]); // the server's statements by CPU: the window's runs only, with their stored text
    expect(
      await listCpuStatements({ db: ds.db, input: { serverId, from: at(0), to: at(5) } }),
    ).toEqual([
      {
        queryid: BIG,
        query: 'SELECT * FROM orders WHERE id = $1',
        cpuTimeMs: 152,
        readBytes: 16384,
        writeBytes: 0,
      },
    ]);
  });

  it('rejects an unknown queryid as not found and a malformed one as invalid', async () => {
    const get = (queryid: string, server = serverId) =>
      getQueryHistory({ db: ds.db, input: { serverId: server, queryid, from: at(0), to: at(5) } });
    await expect(get('42')).rejects.toBeInstanceOf(NotFoundError);
    await expect(get(BIG, serverId + 1000)).rejects.toBeInstanceOf(NotFoundError);
    await expect(get('1; DROP TABLE x')).rejects.toBeInstanceOf(ValidationError);
    // no stored text, but it ran in the window
    await expect(get('1')).resolves.toMatchObject({ query: null, totals: { calls: 5 } });
  });
});
