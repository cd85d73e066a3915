import { describe, expect, it } from 'vitest';
import { changed, growthWithin, shareWithin } from '../src/rules/derive';
import { BUILTIN_RULES } from '../src/rules/catalog';
import { withHourlyHistory } from '../src/cycle/observe';

const t0 = new Date('2026-03-10T12:00:00Z').getTime();
const rows = (values: Record<string, number>[], everySeconds = 60) =>
  values.map((v, i) => ({ at: new Date(t0 + i * everySeconds * 1000), values: v }));

describe('growthWithin (gauges such as the pg_wal size)', () => {
  it('is the rise above the lowest value of the window; a shrink is not growth', () => {
    const s = growthWithin('size', 3600)(
      rows([{ size: 100 }, { size: 400 }, { size: 50 }, { size: 80 }]),
      {},
    );
    expect(s.map((x) => x.value)).toEqual([0, 300, 0, 30]);
  });

  it('forgets lows older than the window', () => {
    const s = growthWithin('size', 120)(
      rows([{ size: 10 }, { size: 500 }, { size: 600 }, { size: 700 }]),
      {},
    );
    expect(s[3]!.value).toBe(200);
  });
});

describe('shareWithin (requested checkpoints)', () => {
  const r = (req: number, timed: number) => ({ num_requested: req, num_timed: timed });
  const share = shareWithin(['num_requested'], ['num_requested', 'num_timed'], 3600);

  it('is the share of the increases over the window', () => {
    const s = share(rows([r(0, 0), r(1, 0), r(1, 1), r(1, 2)]), {});
    expect(s.map((x) => Math.round(x.value!))).toEqual([0, 100, 50, 33]);
  });

  it('is 0 when the window saw no checkpoint at all, so an old alert clears', () => {
    const s = share(rows([r(0, 0), r(5, 0), r(5, 0), r(5, 0)], 3000), {});
    expect(s[3]!.value).toBe(0);
  });

  it('skips an interval whose counters were reset', () => {
    const s = share(rows([r(10, 10), r(0, 0), r(0, 4)]), {});
    expect(s[2]!.value).toBe(0);
  });
});

describe('plan_regression (plan changed and got slower)', () => {
  const rule = BUILTIN_RULES.find((r) => r.key === 'plan_regression')!;
  const run = (spec: [fp: string | null, calls: number, msPerCall: number][]) =>
    rule.source
      .derive(
        spec.map(([fp, calls, ms], i) => ({
          at: new Date(t0 + i * 60_000),
          values: { plan_fingerprint: fp, calls, total_exec_time: calls * ms },
        })),
        { min_calls: 20 },
      )
      .map((s) => s.value);

  it('is the new plan over the usual time of the old one, even when the change predates the capture', () => {
    // 40 intervals at 1 ms, then 20 that already ran the new plan before it was captured
    const before: [string, number, number][] = [
      ...Array.from({ length: 40 }, (): [string, number, number] => ['a', 10, 1]),
      ...Array.from({ length: 20 }, (): [string, number, number] => ['a', 10, 3]),
    ];
    const values = run([...before, ['b', 30, 3]]);
    expect(values.at(-1)).toBeCloseTo(3);
    expect(values.slice(0, -1).every((v) => v === 0)).toBe(true);
  });

  it('does not judge too few calls, rows without a plan, or a return to the old plan', () => {
    expect(
      run([
        ['a', 30, 1],
        ['b', 10, 9],
      ]).at(-1),
    ).toBe(0);
    expect(
      run([
        [null, 30, 1],
        ['b', 30, 9],
      ]).at(-1),
    ).toBe(0);
    expect(
      run([
        ['a', 30, 1],
        ['b', 30, 9],
        ['a', 30, 1],
      ]).at(-1),
    ).toBeCloseTo(1 / 9);
  });
});

describe('changed (server restarted)', () => {
  const started = (iso: string, minute: number) => ({
    at: new Date(Date.UTC(2026, 0, 1, 0, minute)),
    values: { start_time: iso },
  });
  it("gives no sample for a series' first row, however recent its start", () => {
    expect(changed('start_time')([started('2026-01-01T00:00:00Z', 2)], {})).toEqual([]);
  });
  it('is 1 only at the sample whose start time differs from the one before', () => {
    const rows = [
      started('2025-12-31T00:00:00Z', 0),
      started('2025-12-31T00:00:00Z', 5),
      started('2026-01-01T00:08:00Z', 10),
      started('2026-01-01T00:08:00Z', 15),
    ];
    expect(changed('start_time')(rows, {}).map((s) => s.value)).toEqual([0, 1, 0]);
  });
});

describe('statement_vs_baseline (slower than its own baseline)', () => {
  const rule = BUILTIN_RULES.find((r) => r.key === 'statement_vs_baseline')!;
  const params = { min_calls: 20, min_share_pct: 5, warmup_hours: 24 };
  const end = Date.UTC(2026, 11, 6, 12);
  /** 25 hours of rows every 10 minutes at 10 ms per call (+-1) up to 20 minutes before, then the window's row */
  const rows = (mean: number, calls: number, share: number) => [
    ...Array.from({ length: 149 }, (_, i) => ({
      at: new Date(end - 25 * 3_600_000 + i * 600_000),
      values: { calls: 30, total_exec_time: 30 * (10 + (i % 3) - 1), window_exec_time: 1000 },
    })),
    {
      at: new Date(end),
      values: {
        calls,
        total_exec_time: calls * mean,
        window_exec_time: (calls * mean * 100) / share,
      },
    },
  ];
  const value = (r: ReturnType<typeof rows>, p = params) => rule.source.derive(r, p)[0]!.value;

  it('judges the window against the hourly means before it, in robust deviations above', () => {
    expect(value(rows(10, 30, 50))).toBe(0);
    expect(value(rows(50, 30, 50))).toBeGreaterThan(3);
    expect(value(rows(5, 30, 50))).toBe(0); // faster is no alert
  });
  it('is silent under min_calls, under the share floor and while warming up', () => {
    expect(value(rows(50, 10, 50))).toBe(0);
    expect(value(rows(50, 30, 2))).toBe(0);
    expect(value(rows(50, 30, 50), { ...params, warmup_hours: 48 })).toBe(0);
  });
  it('judges as well from hourly rollup sums before its window, counting no hour twice', () => {
    const raw = rows(50, 30, 50);
    const sums = new Map<number, { calls: number; total_exec_time: number }>();
    for (const r of raw.slice(0, -1)) {
      const hour = Math.floor(r.at.getTime() / 3_600_000) * 3_600_000;
      const h = sums.get(hour) ?? { calls: 0, total_exec_time: 0 };
      h.calls += r.values.calls;
      h.total_exec_time += r.values.total_exec_time;
      sums.set(hour, h);
    }
    // the cycle's raw read: the window and two runs before it; the rollups: every hour
    const series = {
      serverId: 1,
      database: null,
      object: '42',
      rows: raw.filter((r) => r.at.getTime() > end - 17 * 60_000),
      history: [...sums].map(([hour, values]) => ({ at: new Date(hour), values })),
    };
    const read = withHourlyHistory(series, rule.windowSeconds);
    // the hour of 11:00 is still open at the window's start (11:45): neither it nor raw rows before the window
    expect(read.map((r) => r.at.toISOString()).slice(-2)).toEqual([
      '2026-12-06T10:00:00.000Z',
      '2026-12-06T12:00:00.000Z',
    ]);
    expect(rule.source.derive(read, params)[0]!.value).toBeGreaterThan(3);
    const calm = { ...series, rows: rows(10, 30, 50).slice(-1) };
    expect(rule.source.derive(withHourlyHistory(calm, rule.windowSeconds), params)[0]!.value).toBe(
      0,
    );
  });
});

describe('server_restarted across a switchover', () => {
  const restarted = BUILTIN_RULES.find((r) => r.key === 'server_restarted')!.source.derive;
  const info = (start: number, inRecovery: boolean) => ({
    start_time: start,
    in_recovery: inRecovery,
  });

  it('is not a restart when the postmaster came back in the other role (a demoted primary)', () => {
    const s = restarted(rows([info(100, false), info(200, true)] as never), {});
    expect(s.map((x) => x.value)).toEqual([0]);
  });

  it('is a restart when the role stayed', () => {
    const s = restarted(rows([info(100, true), info(200, true), info(300, true)] as never), {});
    expect(s.map((x) => x.value)).toEqual([1, 1]);
  });
});
