import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chooseResolution,
  copyLines,
  counterRate,
  ensureMetricTable,
  readLatest,
  readSeries,
  refreshRollup,
  rollupWindow,
  writeSamples,
  type MetricSpec,
} from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const dbStats: MetricSpec = {
  name: 'test_db_stats',
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 7,
  changeTracked: false,
  columns: [
    { name: 'datname', type: 'text', key: true },
    { name: 'xact_commit', type: 'bigint', counter: true },
    { name: 'numbackends', type: 'int' },
    { name: 'note', type: 'text' },
  ],
};

const t0 = new Date('2026-03-10T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('metric storage (pure)', () => {
  it('turns counters into rates and gives no rate across a reset', () => {
    expect(counterRate(100, 160, 60)).toBe(1);
    expect(counterRate(160, 5, 60)).toBeNull();
    expect(counterRate(undefined, 5, 60)).toBeNull();
    expect(counterRate(1, 5, 0)).toBeNull();
  });

  it('escapes COPY text and writes NULLs, JSON and dates', () => {
    const lines = copyLines({
      spec: dbStats,
      samples: [
        {
          collectedAt: t0,
          serverId: 7,
          rows: [{ datname: 'a\tb\\c\nd', xact_commit: 5, numbackends: null, note: { x: 1 } }],
        },
      ],
    });
    expect(lines).toEqual(['2026-03-10T10:00:00.000Z\t7\ta\\tb\\\\c\\nd\t5\t\\N\t{"x":1}\n']);
  });

  it('reads raw up to 6 h, 5-minute rollups up to a week, hourly beyond', () => {
    const h = 3600_000;
    expect(chooseResolution(dbStats, 2 * h)).toBe('raw');
    expect(chooseResolution(dbStats, 48 * h)).toBe('5m');
    expect(chooseResolution(dbStats, 30 * 24 * h)).toBe('1h');
    expect(chooseResolution({ ...dbStats, intervalSeconds: 600 }, 48 * h)).toBe('raw');
    expect(chooseResolution({ ...dbStats, intervalSeconds: 600 }, 30 * 24 * h)).toBe('1h');
  });

  it('reads a 10-minute probe over a week from its hourly rollup: no 5-minute one to read', () => {
    const h = 3600_000;
    const tables = { ...dbStats, intervalSeconds: 600 };
    expect(chooseResolution(tables, 7 * 24 * h)).toBe('1h');
    expect(chooseResolution(tables, 150 * h)).toBe('1h');
    // fewer than 150 hourly points: the raw runs, as before
    expect(chooseResolution(tables, 72 * h)).toBe('raw');
    expect(chooseResolution({ ...dbStats, rollups: false }, 7 * 24 * h)).toBe('raw');
  });
});

describe.each(testMajors())('metric storage on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    await ensureMetricTable(ds.db, dbStats, t0);
    await ensureMetricTable(ds.db, dbStats, t0); // idempotent
    // xact_commit on db "a": +60/min, reset between minute 3 and 4; "b" steady +120/min.
    const commits = [0, 60, 120, 180, 10, 70, 130, 190, 250, 310, 370];
    await writeSamples(ds.db, [
      {
        spec: dbStats,
        samples: commits.map((c, i) => ({
          collectedAt: at(i),
          serverId: 1,
          rows: [
            { datname: 'a', xact_commit: c, numbackends: i, note: 'x' },
            { datname: 'b', xact_commit: i * 120, numbackends: 2, note: null },
          ],
        })),
      },
    ]);
  });
  afterAll(() => ds.drop());

  it('derives the table from the column list and registers it with its rollups', async () => {
    const cols = await ds.db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'metrics' AND table_name = 'test_db_stats' ORDER BY ordinal_position`,
    );
    expect(cols.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      'collected_at:timestamp with time zone',
      'server_id:bigint',
      'datname:text',
      'xact_commit:bigint',
      'numbackends:integer',
      'note:text',
    ]);
    const tables = await ds.db.query<{ table_name: string; retention_days: number }>(
      `SELECT table_name, retention_days FROM metric_tables WHERE table_name LIKE 'test_db_stats%' ORDER BY 1`,
    );
    expect(tables).toEqual([
      { table_name: 'test_db_stats', retention_days: 7 },
      { table_name: 'test_db_stats_1h', retention_days: 400 },
      { table_name: 'test_db_stats_5m', retention_days: 35 },
    ]);
  });

  it('reads the latest sample per series with counter rates', async () => {
    const latest = await readLatest(ds.db, {
      probe: 'test_db_stats',
      serverIds: [1, 2],
      at: at(10),
    });
    expect(latest.map((r) => [r.key.datname, r.values.xact_commit, r.rates.xact_commit])).toEqual([
      ['a', 370, 1],
      ['b', 1200, 2],
    ]);
    expect(latest[0]?.collectedAt).toEqual(at(10));
    const stale = await readLatest(ds.db, { probe: 'test_db_stats', serverIds: [1], at: at(60) });
    expect(stale).toEqual([]);
  });

  it('reads a raw series with reset-safe rates and key filters', async () => {
    const series = await readSeries(ds.db, {
      probe: 'test_db_stats',
      serverId: 1,
      columns: ['xact_commit', 'numbackends'],
      keys: { datname: 'a' },
      from: at(1),
      to: at(6),
    });
    expect(series.resolution).toBe('raw');
    expect(series.rates).toEqual(['xact_commit']);
    expect(series.points.map((p) => p.values.xact_commit)).toEqual([1, 1, 1, null, 1, 1]);
    expect(series.points.map((p) => p.values.numbackends)).toEqual([1, 2, 3, 4, 5, 6]);
    await expect(
      readSeries(ds.db, {
        probe: 'test_db_stats',
        serverId: 1,
        columns: ['nope'],
        from: at(0),
        to: at(1),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('rolls up to 5 minutes: gauges averaged, counters as rates, idempotently', async () => {
    const window = rollupWindow('5m', at(11), 2);
    expect(window).toEqual({ from: at(0), to: at(10) });
    await refreshRollup(ds.db, dbStats, '5m', window);
    const n = await refreshRollup(ds.db, dbStats, '5m', window);
    expect(n).toBe(4); // 2 buckets x 2 databases, recomputed not duplicated
    const series = await readSeries(ds.db, {
      probe: 'test_db_stats',
      serverId: 1,
      columns: ['xact_commit', 'numbackends'],
      from: at(0),
      to: at(9),
      resolution: '5m',
    });
    const a = series.points.filter((p) => p.key.datname === 'a');
    const b = series.points.filter((p) => p.key.datname === 'b');
    expect(a.map((p) => p.t)).toEqual([at(0), at(5)]);
    expect(a.map((p) => p.values.numbackends)).toEqual([2, 7]);
    // the reset interval is left out, the rest is 1/s
    expect(a.map((p) => p.values.xact_commit)).toEqual([1, 1]);
    expect(b.map((p) => p.values.xact_commit)).toEqual([2, 2]);
  });

  it("refreshes only the given servers' rollups, leaving the others' alone", async () => {
    const window = rollupWindow('5m', at(11), 2);
    const rows = () =>
      ds.db.query<{ server_id: number; n: number }>(
        `SELECT server_id, count(*)::int AS n FROM metrics.test_db_stats_5m GROUP BY 1 ORDER BY 1`,
      );
    const before = await rows();
    await writeSamples(ds.db, [
      {
        spec: dbStats,
        samples: [0, 1, 2, 3, 4].map((i) => ({
          collectedAt: at(i),
          serverId: 2,
          rows: [{ datname: 'a', xact_commit: i * 60, numbackends: 1, note: null }],
        })),
      },
    ]);
    await ds.db.query('UPDATE metrics.test_db_stats_5m SET samples = 99 WHERE server_id = 1');
    expect(await refreshRollup(ds.db, dbStats, '5m', window, [2])).toBe(1);
    expect(await rows()).toEqual([...before, { server_id: 2, n: 1 }]);
    const kept = await ds.db.query<{ samples: number }>(
      'SELECT DISTINCT samples FROM metrics.test_db_stats_5m WHERE server_id = 1',
    );
    expect(kept).toEqual([{ samples: 99 }]);
  });
});
