import { describe, expect, it } from 'vitest';
import { previewRule } from '../src/cycle/preview';
import { groupSeries } from '../src/cycle/observe';
import { customRule } from '../src/rules/custom';

const t0 = new Date('2026-03-10T00:00:00Z').getTime();
const minute = (m: number) => new Date(t0 + m * 60_000);
const rule = customRule({
  key: 'custom.waiting',
  name: 'Waiting',
  definition: {
    probe: 'activity_extremes',
    column: 'waiting_sessions',
    aggregation: 'latest',
    windowSeconds: 600,
    operator: '>',
  },
  warning: 5,
  critical: 20,
  forSeconds: 120,
});
const tuning = { enabled: true, warning: 5, critical: 20, forSeconds: 120 };

/** one sample a minute for a day; `value(m)` at minute m */
function rows(serverId: number, value: (m: number) => number) {
  return Array.from({ length: 1440 }, (_, m) => ({
    server_id: serverId,
    database_name: null,
    collected_at: minute(m),
    values: { waiting_sessions: value(m) },
  }));
}

describe('previewRule: what a rule would have done over the last 24 h', () => {
  const series = groupSeries(
    [
      ...rows(1, (m) => (m >= 600 && m < 660 ? 8 : m >= 900 && m < 901 ? 30 : 0)),
      ...rows(2, () => 1),
    ].sort((a, b) => a.collected_at.getTime() - b.collected_at.getTime()),
    [],
  );
  const preview = previewRule(rule, tuning, series, {
    from: minute(0),
    to: minute(1439),
    stepSeconds: 60,
    staleSeconds: 210,
  });

  it('fires after `for`, resolves when it ends, and ignores a blip shorter than `for`', () => {
    expect(preview.instances).toBe(2);
    expect(preview.firing).toBe(1);
    const [s] = preview.series;
    expect(s!.serverId).toBe(1);
    expect(s!.fired).toBe(1);
    expect(s!.events.map((e) => [e.state, e.at.getTime()])).toEqual([
      ['pending', minute(600).getTime()],
      ['firing', minute(602).getTime()],
      ['resolved', minute(660).getTime()],
      ['pending', minute(900).getTime()],
      ['ok', minute(901).getTime()],
    ]);
    expect(s!.peak).toBe(30);
    expect(s!.firingSeconds).toBe(58 * 60);
  });

  it('leaves out series that never changed state', () => {
    expect(preview.series.map((s) => s.serverId)).toEqual([1]);
  });

  it('reports no_data for a gap, as the loop would', () => {
    const gap = groupSeries(
      rows(3, (m) => (m < 100 ? 10 : 0)).filter((r) => r.collected_at < minute(110)),
      [],
    );
    const p = previewRule(rule, tuning, gap, {
      from: minute(0),
      to: minute(200),
      stepSeconds: 60,
      staleSeconds: 210,
    });
    expect(p.series[0]!.events.map((e) => e.state)).toEqual(['pending', 'firing', 'resolved']);
    const still = groupSeries(
      rows(4, () => 10).filter((r) => r.collected_at < minute(110)),
      [],
    );
    const q = previewRule(rule, tuning, still, {
      from: minute(0),
      to: minute(200),
      stepSeconds: 60,
      staleSeconds: 210,
    });
    expect(q.series[0]!.events.map((e) => e.state)).toEqual(['pending', 'firing', 'no_data']);
  });
});
