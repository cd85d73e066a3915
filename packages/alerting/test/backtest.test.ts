import { describe, expect, it } from 'vitest';
import { backtest, BUILTIN_BY_KEY, type BacktestSegment, type PlanRule } from '../src';

const H = 3_600_000;
const t0 = new Date('2026-03-01T00:00:00Z').getTime();
const rule: PlanRule = {
  id: 1,
  def: BUILTIN_BY_KEY.get('connections_used')!,
  tuning: { enabled: true, warning: 80, critical: 90, forSeconds: 300 },
  overrides: [],
};
const servers = new Map([
  [1, { id: 1, name: 'a', clusterId: null, environment: 'production' as const }],
]);
/** percent used -> the probe's row (103 max, 3 reserved) */
const row = (at: number, pct: number) => ({
  at: new Date(at),
  values: { total_sessions: pct, max_connections: 103, reserved_connections: 3 },
});

describe('backtest over rollup stretches', () => {
  it('counts a bucket as held for its whole length: one busy hour fires at its end and clears at the next', () => {
    // hourly buckets stamped at their end, as bucketsAsSamples gives them; 02:00-03:00 at 92 %
    const rows = Array.from({ length: 6 }, (_, i) => row(t0 + (i + 1) * H, i === 2 ? 92 : 40));
    const seg: BacktestSegment = {
      from: new Date(t0),
      to: new Date(t0 + 6 * H),
      stepSeconds: 3600,
      staleSeconds: 3600 + 720,
      heldSeconds: 3600,
      series: [{ serverId: 1, database: null, object: null, rows }],
    };
    const r = backtest(rule, { servers, blackouts: [], segments: [seg] });
    expect(r.episodes).toEqual([
      {
        serverId: 1,
        database: null,
        object: null,
        start: new Date(t0 + 3 * H),
        end: new Date(t0 + 4 * H),
        peak: 92,
        severity: 'critical',
        silenced: false,
      },
    ]);
    expect(r.perDay).toEqual([{ day: '2026-03-01', count: 1 }]);
  });

  it('an override that disables the rule on a server leaves its series out', () => {
    const r = backtest(
      {
        ...rule,
        overrides: [
          {
            scope: 'server',
            scopeId: 1,
            scopeValue: null,
            enabled: false,
            warning: null,
            critical: null,
            forSeconds: null,
          },
        ],
      },
      {
        servers,
        blackouts: [],
        segments: [
          {
            from: new Date(t0),
            to: new Date(t0 + H),
            stepSeconds: 60,
            staleSeconds: 120,
            series: [{ serverId: 1, database: null, object: null, rows: [row(t0, 99)] }],
          },
        ],
      },
    );
    expect(r.instances).toBe(0);
    expect(r.episodes).toEqual([]);
  });
});
