import { describe, expect, it } from 'vitest';
import { backoffMs, dueAfterChange, firstDue, nextDue, START_WINDOW_MS } from '../src/schedule';

const now = 1_000_000;

describe('schedule', () => {
  it('spreads first runs over the interval, or the start-up window when that is shorter', () => {
    expect(firstDue(now, 30_000, 0.5)).toBe(now + 15_000);
    expect(firstDue(now, 30_000, 0.99)).toBeLessThan(now + 30_000);
    expect(firstDue(now, 3_600_000, 0.5)).toBe(now + START_WINDOW_MS / 2);
    expect(firstDue(now, 3_600_000, 0.999)).toBeLessThan(now + START_WINDOW_MS);
    expect(firstDue(now, 600_000, 0)).toBe(now);
  });

  it('keeps the cadence with at most 5 % jitter and restarts from now when far behind', () => {
    expect(nextDue(now, now, 60_000, 0.5)).toBe(now + 60_000);
    expect(nextDue(now, now, 60_000, 1)).toBe(now + 63_000);
    expect(nextDue(now, now + 200_000, 60_000, 0.5)).toBe(now + 260_000);
  });

  it('a shortened interval moves a run planned with the old one into the new interval', () => {
    const never = () => {
      throw new Error('random drawn for an unchanged schedule');
    };
    // within the interval and its 5 % jitter: kept
    expect(dueAfterChange(now + 63_000, now, 60_000, never)).toBe(now + 63_000);
    expect(dueAfterChange(now - 5, now, 60_000, never)).toBe(now - 5);
    // planned an hour ahead, the interval is now 30 s
    expect(dueAfterChange(now + 3_600_000, now, 30_000, () => 0.5)).toBe(now + 15_000);
  });

  it('backs off from 5 s, doubling, up to 5 minutes', () => {
    expect([1, 2, 3, 10].map(backoffMs)).toEqual([5_000, 10_000, 20_000, 300_000]);
  });
});
