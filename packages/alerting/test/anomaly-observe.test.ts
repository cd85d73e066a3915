import { describe, expect, it } from 'vitest';
import { observe, type Series } from '../src/cycle/observe';
import { BUILTIN_BY_KEY } from '../src/rules';

const HOUR = 3_600_000;
const at = new Date('2026-03-30T12:00:00Z');
const tuning = { enabled: true, warning: 3, critical: null, forSeconds: 0 };

/** `days` of hourly rollup rows ending two hours before `at`, value per hour. */
const hourly = (days: number, value: (hour: number) => Record<string, number>) =>
  Array.from({ length: days * 24 }, (_, i) => ({
    at: new Date(at.getTime() - (days * 24 + 1 - i) * HOUR),
    values: value(i),
  }));
/** raw rows every 5 minutes over the last 15 minutes */
const raw = (values: (k: number) => Record<string, number>) =>
  [0, 1, 2, 3].map((k) => ({ at: new Date(at.getTime() - (3 - k) * 300_000), values: values(k) }));
const series = (rows: Series['rows'], history: Series['history']): Series => ({
  serverId: 1,
  database: null,
  object: 'standby1.10.0.0.2',
  rows,
  history,
});

describe('anomaly rules read their baseline from hourly rollups', () => {
  const lagRule = BUILTIN_BY_KEY.get('anomaly_replication_lag')!;
  const history = hourly(14, (i) => ({ replay_lag_bytes: i % 2 ? 0 : 4096 }));

  it('judges a standby that keeps up as normal however small its usual lag (1 MiB floor)', () => {
    const quiet = observe(
      lagRule,
      tuning,
      series(
        raw(() => ({ replay_lag_bytes: 200 * 1024 })),
        history,
      ),
      at,
      null,
      300,
    );
    expect(quiet.obs.kind).toBe('clear');
    expect(quiet.details.baseline).toMatchObject({ ready: true, source: 'hour_of_day' });

    const behind = observe(
      lagRule,
      tuning,
      series(
        raw(() => ({ replay_lag_bytes: 20 * 1024 ** 2 })),
        history,
      ),
      at,
      null,
      300,
    );
    expect(behind.obs).toMatchObject({ kind: 'breach', severity: 'warning' });
  });

  it('is silent during warm-up', () => {
    const young = observe(
      lagRule,
      tuning,
      series(
        raw(() => ({ replay_lag_bytes: 20 * 1024 ** 2 })),
        hourly(5, () => ({ replay_lag_bytes: 0 })),
      ),
      at,
      null,
      300,
    );
    expect(young.obs.kind).toBe('clear');
    expect(young.details.baseline).toMatchObject({ ready: false });
  });

  it('reads a counter rule from the rollup rates and the raw counter deltas', () => {
    const tx = BUILTIN_BY_KEY.get('anomaly_transactions')!;
    const rates = hourly(14, (i) => ({ xact_commit: 10 + (i % 3) }));
    const normal = observe(
      tx,
      tuning,
      series(
        raw((k) => ({ xact_commit: 1000 + k * 300 * 11 })),
        rates,
      ),
      at,
      null,
      300,
    );
    expect(normal.obs.kind).toBe('clear');
    expect(normal.details).toMatchObject({ current: 11, baseline: { median: 11 } });
    const busy = observe(
      tx,
      tuning,
      series(
        raw((k) => ({ xact_commit: 1000 + k * 300 * 200 })),
        rates,
      ),
      at,
      null,
      300,
    );
    expect(busy.obs).toMatchObject({ kind: 'breach' });
  });
});
