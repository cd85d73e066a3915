import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRuleRows } from '@pgvigil/db/alerting';
import {
  ensureMetricTable,
  readLatest,
  readSeries,
  refreshRollup,
  writeSamples,
  type MetricSpec,
  type Sample,
} from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { sparseStep, type SparseState } from '@pgvigil/probes';

/** What a sparse step stores, as the collector writes it (server 1, database `app`). */
const stored = (step: ReturnType<typeof sparseStep>): Sample[] =>
  step.samples.map((s) => ({
    collectedAt: s.at,
    serverId: 1,
    database: 'app',
    rows: s.rows,
    keyframe: s.keyframe,
  }));

// The same three hours of a tables-like probe stored twice: every row of every run
// (dense), and through the collector's sparse filter. Every reader must give the same
// answers from both, except for drifting values, which may be a keyframe old.
const dense: MetricSpec = {
  name: 'test_dense_objects',
  scope: 'database',
  intervalSeconds: 600,
  retentionDays: 7,
  changeTracked: false,
  columns: [
    { name: 'relname', type: 'text', key: true },
    { name: 'n_tup_ins', type: 'bigint', counter: true },
    { name: 'n_live_tup', type: 'bigint' },
    { name: 'running', type: 'double', elapsed: true },
    { name: 'freeze_age', type: 'bigint', drifting: true },
  ],
};
const sparse: MetricSpec = {
  ...dense,
  name: 'test_sparse_objects',
  sparse: { keyframeSeconds: 3600 },
};
const compared = ['n_tup_ins', 'n_live_tup', 'running'];

const t0 = Date.UTC(2026, 2, 10, 9, 0, 0);
const at = (run: number) => new Date(t0 + run * 600_000);
// three whole hours, and the first run of the next: the keyframe that closes the third
const RUNS = 19;

/** The rows of run k: a busy table, one that moves twice, an idle one, one dropped at run 8. */
function rowsOf(k: number): Record<string, unknown>[] {
  const sporadic = k < 4 ? 10 : k < 11 ? 15 : 40;
  return [
    {
      relname: 'busy',
      n_tup_ins: 100 * k,
      n_live_tup: 1000 + 100 * k,
      running: 5 + 600 * k,
      freeze_age: 7 * k,
    },
    {
      relname: 'sporadic',
      n_tup_ins: sporadic,
      n_live_tup: sporadic,
      running: null,
      freeze_age: 7 * k,
    },
    { relname: 'idle', n_tup_ins: 3, n_live_tup: 3, running: 30, freeze_age: 7 * k },
    ...(k < 8
      ? [{ relname: 'dropped', n_tup_ins: 1, n_live_tup: 1, running: null, freeze_age: 1 }]
      : []),
  ].map((r) => (r.relname === 'idle' ? { ...r, running: 30 + 600 * k } : r));
}

describe.each(testMajors())('sparse storage on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let storedRows = 0;
  let denseRows = 0;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    await ensureMetricTable(ds.db, dense, at(0));
    await ensureMetricTable(ds.db, sparse, at(0));
    let state: SparseState | undefined;
    const sparseSamples: Sample[] = [];
    const denseSamples: Sample[] = [];
    for (let k = 0; k < RUNS; k++) {
      const rows = rowsOf(k);
      denseSamples.push({ collectedAt: at(k), serverId: 1, database: 'app', rows });
      const step = sparseStep(sparse, state, rows, at(k));
      state = step.state;
      sparseSamples.push(...stored(step));
    }
    storedRows = sparseSamples.reduce((n, s) => n + s.rows.length, 0);
    denseRows = denseSamples.reduce((n, s) => n + s.rows.length, 0);
    await writeSamples(ds.db, [
      { spec: dense, samples: denseSamples },
      { spec: sparse, samples: sparseSamples },
    ]);
  });
  afterAll(() => ds.drop());

  const strip = (values: Record<string, unknown>) =>
    Object.fromEntries(compared.map((c) => [c, values[c] ?? null]));

  it('stores fewer rows', () => {
    // one table moves every run; the others hardly ever
    expect(storedRows).toBeLessThan(denseRows * 0.7);
  });

  it('reads the same series', async () => {
    for (const keys of [undefined, { relname: 'sporadic' }, { relname: 'idle' }]) {
      const read = async (spec: MetricSpec, maxPoints?: number) =>
        (
          await readSeries(ds.db, {
            probe: spec.name,
            serverId: 1,
            database: 'app',
            columns: compared,
            from: at(2),
            to: at(RUNS - 1),
            resolution: 'raw',
            ...(keys ? { keys } : {}),
            ...(maxPoints ? { maxPoints } : {}),
          })
        ).points
          .map((p) => ({ ...p, values: strip(p.values) }))
          .sort(
            (a, b) =>
              a.t.getTime() - b.t.getTime() ||
              String(a.key.relname).localeCompare(String(b.key.relname)),
          );
      expect(await read(sparse)).toEqual(await read(dense));
      expect(await read(sparse, 4)).toEqual(await read(dense, 4));
    }
  });

  it('reads the same latest rows and rates', async () => {
    for (const run of [5, 9, RUNS - 1]) {
      const read = async (spec: MetricSpec) =>
        (
          await readLatest(ds.db, {
            probe: spec.name,
            serverIds: [1],
            database: 'app',
            at: at(run),
          })
        )
          .map((r) => ({ ...r, values: strip(r.values) }))
          .sort((a, b) => String(a.key.relname).localeCompare(String(b.key.relname)));
      expect(await read(sparse)).toEqual(await read(dense));
    }
  });

  it('hands the alerter the same rows', async () => {
    const read = async (spec: MetricSpec) =>
      (
        await readRuleRows(ds.db, {
          probe: spec.name,
          columns: ['relname', ...compared],
          serverIds: [1],
          from: at(3),
          to: at(RUNS - 1),
        })
      )
        .map((r) => ({ ...r, values: { relname: r.values.relname, ...strip(r.values) } }))
        .sort(
          (a, b) =>
            a.collected_at.getTime() - b.collected_at.getTime() ||
            String(a.values.relname).localeCompare(String(b.values.relname)),
        );
    const rows = await read(sparse);
    expect(rows).toEqual(await read(dense));
    expect(rows.filter((r) => r.values.relname === 'dropped').at(-1)?.collected_at).toEqual(at(7));
  });

  it("hands the alerter each object's newest row alone, the same from both", async () => {
    for (const run of [5, 9, 12, RUNS - 1]) {
      const read = async (spec: MetricSpec, newest: boolean) =>
        (
          await readRuleRows(ds.db, {
            probe: spec.name,
            columns: ['relname', ...compared],
            serverIds: [1],
            from: at(run - 3),
            to: at(run),
            ...(newest ? { newest, objectKeys: ['relname'] } : {}),
          })
        )
          .map((r) => ({ ...r, values: { relname: r.values.relname, ...strip(r.values) } }))
          .sort((a, b) => String(a.values.relname).localeCompare(String(b.values.relname)));
      const full = await read(dense, false);
      const last = [...new Map(full.map((r) => [r.values.relname, r])).values()].sort((a, b) =>
        String(a.values.relname).localeCompare(String(b.values.relname)),
      );
      expect(await read(dense, true)).toEqual(last);
      expect(await read(sparse, true)).toEqual(last);
    }
  });

  it('hands a trend the average of each series per bucket, dated at its mean time', async () => {
    const q = { columns: ['relname', 'n_live_tup'], serverIds: [1], from: at(0), to: at(12) };
    const full = await readRuleRows(ds.db, { probe: dense.name, ...q });
    const buckets = await readRuleRows(ds.db, { probe: dense.name, ...q, bucketSeconds: 3600 });
    const expected = new Map<string, { t: number[]; v: number[] }>();
    for (const r of full) {
      const id = `${String(r.values.relname)}@${Math.floor(r.collected_at.getTime() / 3_600_000)}`;
      const b = expected.get(id) ?? { t: [], v: [] };
      expected.set(id, b);
      b.t.push(r.collected_at.getTime());
      b.v.push(Number(r.values.n_live_tup));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(
      buckets
        .map((r) => [String(r.values.relname), r.collected_at.getTime(), r.values.n_live_tup])
        .sort(),
    ).toEqual([...expected].map(([id, b]) => [id.split('@')[0], mean(b.t), mean(b.v)]).sort());
  });

  it('rolls up to the same hourly rates, averages and sample counts', async () => {
    // 10:00 and 11:00 compared; 09:00 is each row's first hour
    const window = { from: at(0), to: at(18) };
    await refreshRollup(ds.db, dense, '1h', window);
    await refreshRollup(ds.db, sparse, '1h', window);
    const read = (spec: MetricSpec) =>
      ds.db.query(
        // the first hour aside: there an idle row has no earlier row to take a rate from
        `SELECT collected_at, relname, samples, n_tup_ins, n_live_tup, running
           FROM metrics.${spec.name}_1h WHERE collected_at >= $1 ORDER BY 1, 2`,
        [at(6)],
      );
    expect(await read(sparse)).toEqual(await read(dense));
  });
});

// A week of a tables-like probe (10-minute runs, sparse, no 5-minute rollup): a 7-day
// chart reads the hourly rollup, which must say what the raw rows say hour by hour.
const weekly: MetricSpec = { ...sparse, name: 'test_week_objects' };
const WEEK_RUNS = 7 * 144 + 12;

// one major: the reads are the same SQL on every major, run above on each
describe.each(testMajors().slice(0, 1))(
  'a 7-day chart of a 10-minute probe on PostgreSQL %i',
  (major) => {
    let ds: TestDatastore;
    beforeAll(async () => {
      ds = await freshDatastore(major);
      // daily partitions for the whole week and a half (each call makes four days ahead)
      for (const day of [0, 4, 8]) await ensureMetricTable(ds.db, weekly, at(day * 144));
      let state: SparseState | undefined;
      const samples: Sample[] = [];
      for (let k = 0; k < WEEK_RUNS; k++) {
        const rows = [
          {
            relname: 'busy',
            n_tup_ins: 100 * k + (k % 7) * 13,
            n_live_tup: 1000 + (k % 36) * 10,
            running: null,
            freeze_age: k,
          },
          // moves once every 5 runs: the other runs store nothing for it
          { relname: 'slow', n_tup_ins: Math.floor(k / 5), n_live_tup: 50 + Math.floor(k / 5) },
          { relname: 'idle', n_tup_ins: 3, n_live_tup: 3, running: null, freeze_age: 1 },
        ];
        const step = sparseStep(weekly, state, rows, at(k));
        state = step.state;
        samples.push(...stored(step));
      }
      await writeSamples(ds.db, [{ spec: weekly, samples }]);
      await refreshRollup(ds.db, weekly, '1h', { from: at(0), to: at(WEEK_RUNS - 1) });
    });
    afterAll(() => ds.drop());

    it('reads the hourly rollup, with the values of the raw rows averaged per hour', async () => {
      const from = at(6);
      const to = new Date(from.getTime() + 7 * 24 * 3600_000);
      for (const relname of ['busy', 'slow', 'idle']) {
        const read = (resolution: 'auto' | 'raw', maxPoints: number) =>
          readSeries(ds.db, {
            probe: weekly.name,
            serverId: 1,
            database: 'app',
            keys: { relname },
            columns: ['n_tup_ins', 'n_live_tup'],
            from,
            to,
            resolution,
            maxPoints,
          });
        const chart = await read('auto', 300);
        // before: 1,008 raw runs of every object of the database, in 40-minute buckets
        expect(chart.resolution).toBe('1h');
        expect(chart.bucketSeconds).toBe(3600);
        const raw = await read('raw', 168);
        expect(raw.bucketSeconds).toBe(3600);
        const hours = (s: typeof raw) =>
          s.points.filter((p) => p.t < to).map((p) => [p.t.getTime(), p.values] as const);
        const want = hours(raw);
        const got = hours(chart);
        expect(got.map(([t]) => t)).toEqual(want.map(([t]) => t));
        expect(got).toHaveLength(168);
        got.forEach(([, values], i) => {
          for (const c of ['n_tup_ins', 'n_live_tup']) {
            expect(values[c], `${relname} ${c} at hour ${i}`).toBeCloseTo(want[i]![1][c]!, 6);
          }
        });
      }
    });
  },
);
