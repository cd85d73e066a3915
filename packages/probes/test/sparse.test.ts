import { describe, expect, it } from 'vitest';
import { sparseStep, type SparseState } from '@pgvigil/probes';
import type { MetricSpec } from '@pgvigil/schema';

const spec: Pick<MetricSpec, 'columns' | 'sparse'> = {
  sparse: { keyframeSeconds: 3600 },
  columns: [
    { name: 'relname', type: 'text', key: true },
    { name: 'seq_scan', type: 'bigint', counter: true },
    { name: 'freeze_age', type: 'bigint', drifting: true },
    { name: 'running', type: 'double', elapsed: true },
  ],
};

const t0 = Date.UTC(2026, 2, 10, 10, 0, 0);
const at = (minutes: number) => new Date(t0 + minutes * 60_000);
const row = (relname: string, seq_scan: number, freeze_age = 1, running: number | null = null) => ({
  relname,
  seq_scan,
  freeze_age,
  running,
});

/** Runs the filter over successive runs; returns what each stored, as "name@minute". */
function replay(runs: [number, Record<string, unknown>[]][]): string[][] {
  let state: SparseState | undefined;
  return runs.map(([minute, rows]) => {
    const step = sparseStep(spec, state, rows, at(minute));
    state = step.state;
    return step.samples.flatMap((s) =>
      s.rows.map((r) => `${String(r.relname)}@${(s.at.getTime() - t0) / 60_000}`),
    );
  });
}

describe('sparse storage', () => {
  it('stores every row on the first run and in each new keyframe period', () => {
    const rows = [row('a', 1), row('b', 1)];
    expect(
      replay([
        [0, rows],
        [10, rows],
        [60, rows],
      ]),
    ).toEqual([
      ['a@0', 'b@0'],
      ['a@10'], // nothing moved: one row still dates the run
      ['a@60', 'b@60'],
    ]);
  });

  it('stores a row that moved with its unchanged observation from the run before', () => {
    expect(
      replay([
        [0, [row('a', 1), row('b', 1)]],
        [10, [row('a', 1), row('b', 1)]],
        [20, [row('a', 1), row('b', 1)]],
        [30, [row('a', 1), row('b', 5)]],
        [40, [row('a', 1), row('b', 9)]],
      ]),
    ).toEqual([['a@0', 'b@0'], ['a@10'], ['a@20'], ['b@20', 'b@30'], ['b@40']]);
  });

  it('ignores drifting values, follows elapsed ones with the clock, and stores new rows', () => {
    expect(
      replay([
        [0, [row('a', 1, 100, 30)]],
        // freeze age drifted and the query ran on for 10 more minutes: unchanged
        [10, [row('a', 1, 250, 630)]],
        // the same query text started again: its running time went back
        [20, [row('a', 1, 300, 5), row('c', 0)]],
        [30, [row('a', 1, 300, 605), row('c', 0)]],
      ]),
    ).toEqual([['a@0'], ['a@10'], ['a@20', 'c@20'], ['a@30']]);
  });

  it('ends a period with the last observation of a row that moved in it', () => {
    expect(
      replay([
        [0, [row('a', 1), row('b', 1)]],
        [10, [row('a', 1), row('b', 2)]],
        [20, [row('a', 1), row('b', 2)]],
        [30, [row('a', 1), row('b', 2)]],
        [60, [row('a', 1), row('b', 2)]],
      ]),
    ).toEqual([['a@0', 'b@0'], ['b@10'], ['a@20'], ['a@30'], ['b@30', 'a@60', 'b@60']]);
  });

  it('takes a keyframe when a row of the run before is gone', () => {
    let state: SparseState | undefined;
    const flags = [
      [row('a', 1), row('b', 1)],
      [row('a', 1), row('b', 1)],
      [row('a', 1)],
      [row('a', 1)],
    ].map((rows, k) => {
      const step = sparseStep(spec, state, rows, at(10 * k));
      state = step.state;
      return step.samples.map((s) => s.keyframe);
    });
    // b's last observation (10) ends its life before the keyframe at 20
    expect(flags).toEqual([[true], [false], [false, true], [false]]);
  });

  it('keeps the rows it stores as observed, values and all', () => {
    const step = sparseStep(spec, undefined, [row('a', 1, 100, 30)], at(0));
    expect(step.samples).toEqual([{ at: at(0), rows: [row('a', 1, 100, 30)], keyframe: true }]);
    expect(sparseStep(spec, step.state, [], at(10)).samples).toEqual([]);
  });
});
