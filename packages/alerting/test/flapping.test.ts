import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAP_LIMIT, flapVerdict } from '../src/core';

const t0 = new Date('2026-03-10T10:00:00Z').getTime();
const min = (m: number) => new Date(t0 + m * 60_000);
const every = (step: number, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => min(from + i * step));

describe('flap detection', () => {
  it('fires as usual up to the limit within an hour', () => {
    expect(flapVerdict(every(10, DEFAULT_FLAP_LIMIT - 1), min(40), DEFAULT_FLAP_LIMIT)).toEqual({
      flapping: false,
    });
  });

  it('the firing past the limit is announced once, with its pattern; the next flaps are not', () => {
    const fifth = flapVerdict(every(10, 4), min(40), 4);
    expect(fifth).toEqual({
      flapping: true,
      announce: true,
      firings: 5,
      pattern: 'fired 5 times in 60 min, every ~10 min (10:00, 10:10, 10:20, 10:30, 10:40 UTC)',
    });
    expect(flapVerdict(every(10, 5), min(50), 4)).toMatchObject({ announce: false, firings: 6 });
    // the hour slides but the spell goes on: still not announced again
    expect(flapVerdict(every(10, 7), min(70), 4)).toMatchObject({
      flapping: true,
      announce: false,
    });
  });

  it('settles once no more than the limit fired in the last hour, then flaps anew', () => {
    const spell = every(10, 6);
    expect(flapVerdict(spell, min(115), 4)).toEqual({ flapping: false });
    // a new spell after it settled is announced again
    const later = [...spell, ...every(5, 4, 115)];
    expect(flapVerdict(later, min(135), 4)).toMatchObject({ flapping: true, announce: true });
  });

  it('a limit of 0 turns it off', () => {
    expect(flapVerdict(every(1, 30), min(30), 0)).toEqual({ flapping: false });
  });
});
