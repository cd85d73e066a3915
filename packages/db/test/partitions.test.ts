import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyRetention,
  coveredUntil,
  dailyPartition,
  ensurePartitions,
  expiredPartitions,
  listPartitions,
  parsePartitionName,
  registerMetricTable,
  runPartitionMaintenance,
} from '@pgvigil/db';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const at = new Date('2026-03-10T15:30:00Z');

describe('daily partitions (pure)', () => {
  it('names and bounds a day in UTC whatever the time of day', () => {
    const p = dailyPartition('pg_stat_database', new Date('2026-03-10T23:59:59.999+00:00'));
    expect(p).toEqual({
      name: 'pg_stat_database_p20260310',
      from: new Date('2026-03-10T00:00:00Z'),
      to: new Date('2026-03-11T00:00:00Z'),
    });
    expect(parsePartitionName('pg_stat_database', p.name)).toEqual(p);
    expect(parsePartitionName('other', p.name)).toBeNull();
  });

  it('drops only partitions wholly older than the retention window', () => {
    const partitions = [5, 6, 7, 8, 9, 10].map((d) =>
      dailyPartition('t', new Date(Date.UTC(2026, 2, d))),
    );
    // 3 days kept at 2026-03-10: cutoff is 03-07 00:00, so 03-05 and 03-06 go.
    expect(expiredPartitions({ partitions, retentionDays: 3, at, changeTracked: false })).toEqual([
      't_p20260305',
      't_p20260306',
    ]);
  });

  it('never drops the newest partition with rows of a change-tracked table', () => {
    const partitions = [1, 2, 3, 9, 10].map((d) => ({
      ...dailyPartition('settings', new Date(Date.UTC(2026, 2, d))),
      hasRows: d <= 2,
    }));
    expect(expiredPartitions({ partitions, retentionDays: 3, at, changeTracked: true })).toEqual([
      'settings_p20260301',
      'settings_p20260303',
    ]);
  });

  it('knows how far ahead the partitions reach without a hole, from the one holding now', () => {
    const days = (...d: number[]) =>
      d.map((n) => dailyPartition('t', new Date(Date.UTC(2026, 2, n))));
    expect(coveredUntil(days(9, 10, 11, 12), at)).toEqual(new Date('2026-03-13T00:00:00Z'));
    // a missing day ends the run: samples of the 12th would have nowhere to go
    expect(coveredUntil(days(10, 11, 13), at)).toEqual(new Date('2026-03-12T00:00:00Z'));
    expect(coveredUntil(days(11, 12), at)).toBeNull();
  });
});

describe.each(testMajors())('partition manager on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    await ds.db
      .query(`CREATE TABLE metrics.sample (collected_at timestamptz NOT NULL, server_id bigint NOT NULL, v double precision)
                       PARTITION BY RANGE (collected_at)`);
    await registerMetricTable(ds.db, {
      table_name: 'sample',
      retention_days: 2,
      change_tracked: false,
    });
  });
  afterAll(() => ds.drop());

  it('creates yesterday, today and the days ahead, and rows land in them', async () => {
    const created = await ensurePartitions(ds.db, 'sample', at, 2);
    expect(created).toEqual([
      'sample_p20260309',
      'sample_p20260310',
      'sample_p20260311',
      'sample_p20260312',
    ]);
    expect(await ensurePartitions(ds.db, 'sample', at, 2)).toEqual([]);
    await ds.db.query(
      `INSERT INTO metrics.sample VALUES ('2026-03-12T23:59:59Z', 1, 1), ('2026-03-09T00:00:00Z', 1, 2)`,
    );
    const rows = await ds.db.query<{ part: string }>(
      `SELECT tableoid::regclass::text AS part FROM metrics.sample ORDER BY collected_at`,
    );
    expect(rows.map((r) => r.part)).toEqual([
      'metrics.sample_p20260309',
      'metrics.sample_p20260312',
    ]);
  });

  it('is safe when many sessions ensure the same partitions at once', async () => {
    const later = new Date('2026-04-01T00:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ensurePartitions(ds.db, 'sample', later, 3)),
    );
    const names = results.flat().sort();
    expect(new Set(names).size).toBe(names.length); // each created once
    const all = (await listPartitions(ds.db, 'sample')).map((p) => p.name);
    for (const day of ['20260331', '20260401', '20260402', '20260403', '20260404']) {
      expect(all).toContain(`sample_p${day}`);
    }
  });

  it('retention drops expired partitions with DROP, keeping the rest and their rows', async () => {
    const dropped = await applyRetention(
      ds.db,
      { table_name: 'sample', retention_days: 2, change_tracked: false },
      new Date('2026-03-13T08:00:00Z'),
    );
    expect(dropped).toEqual(['sample_p20260309', 'sample_p20260310']);
    const left = (await listPartitions(ds.db, 'sample')).map((p) => p.name);
    expect(left).toContain('sample_p20260311');
    expect(left).not.toContain('sample_p20260310');
    const rows = await ds.db.query<{ n: number }>('SELECT count(*)::int AS n FROM metrics.sample');
    expect(rows[0]?.n).toBe(1);
  });

  it('keeps the latest snapshot of a change-tracked table however old', async () => {
    await ds.db.query(
      `CREATE TABLE metrics.snap (collected_at timestamptz NOT NULL, v text) PARTITION BY RANGE (collected_at)`,
    );
    await registerMetricTable(ds.db, {
      table_name: 'snap',
      retention_days: 1,
      change_tracked: true,
    });
    await ensurePartitions(ds.db, 'snap', at, 0);
    await ds.db.query(`INSERT INTO metrics.snap VALUES ('2026-03-09T10:00:00Z', 'old')`);
    const report = await runPartitionMaintenance(ds.db, new Date('2026-03-20T00:00:00Z'), 1);
    expect(report.errors).toEqual([]);
    const rows = await ds.db.query<{ v: string }>('SELECT v FROM metrics.snap');
    expect(rows).toEqual([{ v: 'old' }]);
    expect(report.dropped).toContain('snap_p20260310');
    expect(report.dropped).not.toContain('snap_p20260309');
  });
});
