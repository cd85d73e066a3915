import { describe, expect, it } from 'vitest';
import {
  activeWindow,
  anomaly,
  baseline,
  forecast,
  inBlackout,
  resolveOverrides,
  upcomingWindows,
  type BlackoutWindow,
  type Sample,
} from '../src/core';

const HOUR = 3_600_000;

describe('inBlackout', () => {
  // every day 02:00-03:00 in Paris (CET = UTC+1 in March before the switch)
  const nightly: BlackoutWindow = {
    kind: 'recurring',
    cron: '0 2 * * *',
    durationMinutes: 60,
    timezone: 'Europe/Paris',
  };
  it('is inside from the occurrence up to, not including, its end', () => {
    expect(inBlackout([nightly], new Date('2026-03-10T01:00:00Z'))).toBe(true);
    expect(inBlackout([nightly], new Date('2026-03-10T01:59:59Z'))).toBe(true);
    expect(inBlackout([nightly], new Date('2026-03-10T02:00:00Z'))).toBe(false);
    expect(inBlackout([nightly], new Date('2026-03-10T00:59:59Z'))).toBe(false);
  });
  it('honours a window whose start nobody saw (evaluated late, mid-window)', () => {
    expect(activeWindow(nightly, new Date('2026-03-10T01:42:00Z'))).toEqual({
      start: new Date('2026-03-10T01:00:00Z'),
      end: new Date('2026-03-10T02:00:00Z'),
    });
  });
  it('follows the timezone across a DST change', () => {
    // after 2026-03-29 Paris is UTC+2, so 02:00 local... does not exist that day; check the 30th
    expect(inBlackout([nightly], new Date('2026-03-30T00:30:00Z'))).toBe(true);
    expect(inBlackout([nightly], new Date('2026-03-30T01:30:00Z'))).toBe(false);
  });
  it('handles one-off windows and a window longer than its period', () => {
    const once: BlackoutWindow = {
      kind: 'once',
      startsAt: new Date('2026-03-10T10:00:00Z'),
      endsAt: new Date('2026-03-10T11:00:00Z'),
    };
    expect(inBlackout([once], new Date('2026-03-10T10:30:00Z'))).toBe(true);
    expect(inBlackout([once], new Date('2026-03-10T11:00:00Z'))).toBe(false);
    expect(inBlackout([], new Date())).toBe(false);
  });
  it('lists upcoming windows, including the current one', () => {
    const list = upcomingWindows(
      nightly,
      new Date('2026-03-10T01:30:00Z'),
      new Date('2026-03-12T12:00:00Z'),
    );
    expect(list.map((w) => w.start.toISOString())).toEqual([
      '2026-03-10T01:00:00.000Z',
      '2026-03-11T01:00:00.000Z',
      '2026-03-12T01:00:00.000Z',
    ]);
  });
});

describe('baseline', () => {
  const at = new Date('2026-03-30T14:00:00Z'); // a Monday
  // 3 weeks hourly: 100 during working hours, 10 otherwise, a little noise
  const history: Sample[] = [];
  for (let h = 21 * 24; h > 0; h--) {
    const t = new Date(at.getTime() - h * HOUR);
    const busy = t.getUTCHours() >= 8 && t.getUTCHours() < 18;
    history.push({ at: t, value: (busy ? 100 : 10) + (h % 3) });
  }
  const opts = {
    warmupHours: 24 * 7,
    minBucketSamples: 3,
    sensitivity: 3,
    floorAbsolute: 0.5,
    floorRelative: 0.05,
  };

  it('uses the hour-of-week bucket when it has enough samples', () => {
    const b = baseline(history, at, opts);
    expect(b).toMatchObject({ ready: true, source: 'hour_of_week', samples: 3 });
    if (!b.ready) throw new Error('not ready');
    expect(b.median).toBeGreaterThan(99);
    expect(anomaly(101, b)).toBeNull();
    expect(anomaly(10, b)).toBe('low');
    expect(anomaly(200, b)).toBe('high');
  });
  it("tells one weekday's hour from the same hour on other days", () => {
    // Mondays at 14:00 run a batch: the other days' 14:00 are no guide to it
    const weekly = history.map((s) =>
      s.at.getUTCDay() === 1 && s.at.getUTCHours() === 14 ? { ...s, value: 500 } : s,
    );
    const b = baseline(weekly, at, opts);
    expect(b).toMatchObject({ ready: true, source: 'hour_of_week', median: 500 });
  });
  it('falls back to hour-of-day, then overall', () => {
    expect(baseline(history, at, { ...opts, minBucketSamples: 10 })).toMatchObject({
      source: 'hour_of_day',
    });
    expect(baseline(history, at, { ...opts, minBucketSamples: 30 })).toMatchObject({
      source: 'overall',
    });
  });
  it('refuses to judge during warm-up', () => {
    const b = baseline(history.slice(-24), at, opts);
    expect(b.ready).toBe(false);
    expect(anomaly(1e9, b)).toBeNull();
  });
  it('floors the spread of a flat metric', () => {
    const flat = history.map((s) => ({ at: s.at, value: 50 }));
    const b = baseline(flat, at, opts);
    if (!b.ready) throw new Error('not ready');
    expect(b.spread).toBe(2.5);
    expect(anomaly(51, b)).toBeNull();
  });
});

describe('forecast', () => {
  const at = new Date('2026-03-30T00:00:00Z');
  const grow = (perDay: number, start: number): Sample[] =>
    Array.from({ length: 15 }, (_, i) => ({
      at: new Date(at.getTime() - (14 - i) * 24 * HOUR),
      value: start + perDay * i,
    }));
  it('predicts days until the limit from the linear trend', () => {
    const f = forecast(grow(10, 100), 400, at, 14);
    expect(f?.slopePerDay).toBeCloseTo(10);
    expect(f?.current).toBeCloseTo(240);
    expect(f?.daysUntilLimit).toBeCloseTo(16);
  });
  it('never reaches a limit on a flat or falling trend, needs enough history', () => {
    expect(forecast(grow(-5, 500), 1000, at, 14)?.daysUntilLimit).toBeNull();
    expect(forecast(grow(10, 100).slice(-3), 400, at, 14)).toBeNull();
  });
});

describe('resolveOverrides', () => {
  const defaults = { enabled: true, warning: 80, critical: 90, forSeconds: 300 };
  const target = {
    environment: 'staging' as const,
    clusterId: 1,
    serverId: 7,
    databaseName: 'app',
  };
  const none = { enabled: null, warning: null, critical: null, forSeconds: null };
  it('lets the most specific level win, per value, and says where each comes from', () => {
    const eff = resolveOverrides(
      defaults,
      [
        { ...none, id: 4, scope: 'database', scopeId: 7, scopeValue: 'app', warning: 95 },
        {
          ...none,
          id: 1,
          scope: 'environment',
          scopeId: null,
          scopeValue: 'staging',
          warning: 70,
          forSeconds: 60,
        },
        { ...none, id: 2, scope: 'server', scopeId: 7, scopeValue: null, warning: 85 },
        { ...none, id: 3, scope: 'cluster', scopeId: 2, scopeValue: null, enabled: false },
      ],
      target,
    );
    expect(eff.warning).toEqual({ value: 95, source: 'database', overrideId: 4 });
    expect(eff.forSeconds).toEqual({ value: 60, source: 'environment', overrideId: 1 });
    expect(eff.critical).toEqual({ value: 90, source: 'global' });
    expect(eff.enabled).toEqual({ value: true, source: 'global' });
  });
  it('ignores a database override for another server with the same database name', () => {
    const eff = resolveOverrides(
      defaults,
      [{ ...none, scope: 'database', scopeId: 8, scopeValue: 'app', enabled: false }],
      target,
    );
    expect(eff.enabled.value).toBe(true);
  });
});
