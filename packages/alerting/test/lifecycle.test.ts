import { describe, expect, it } from 'vitest';
import { ALERT_STATES } from '@pgvigil/schema';
import {
  INITIAL_STATUS,
  SIGNALS,
  TRANSITIONS,
  acknowledge,
  step,
  type AlertStatus,
  type Observation,
  type StepContext,
} from '../src/core';

const t0 = new Date('2026-03-10T12:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const ctx = (minutes: number, extra: Partial<StepContext> = {}): StepContext => ({
  at: at(minutes),
  forSeconds: 300,
  silenced: false,
  reminderSeconds: 3600,
  ...extra,
});
const warn: Observation = { kind: 'breach', severity: 'warning', value: 85, threshold: 80 };
const crit: Observation = { kind: 'breach', severity: 'critical', value: 95, threshold: 90 };
const clear: Observation = { kind: 'clear', value: 10 };
const missing: Observation = { kind: 'missing' };

/** Runs observations one minute apart, returning every step result. */
function run(obs: [number, Observation, Partial<StepContext>?][], start = INITIAL_STATUS) {
  let status: AlertStatus = start;
  return obs.map(([m, o, extra]) => {
    const r = step(status, o, ctx(m, extra));
    status = r.status;
    return r;
  });
}

describe('transition table', () => {
  it('is total over states and signals', () => {
    for (const s of ALERT_STATES) {
      for (const sig of SIGNALS) expect(ALERT_STATES).toContain(TRANSITIONS[s][sig]);
    }
  });
});

describe('step', () => {
  it('fires only after the condition held for `for`, once', () => {
    const r = run([
      [0, warn],
      [1, warn],
      [4, warn],
      [5, warn],
      [6, warn],
    ]);
    expect(r.map((x) => x.status.state)).toEqual([
      'pending',
      'pending',
      'pending',
      'firing',
      'firing',
    ]);
    expect(r.map((x) => x.notify)).toEqual([undefined, undefined, undefined, 'firing', undefined]);
    expect(r[3]!.status.firedAt).toEqual(at(5));
  });

  it('drops a pending alert that clears before `for` without any message', () => {
    const r = run([
      [0, warn],
      [2, clear],
    ]);
    expect(r[1]!.status.state).toBe('ok');
    expect(r.every((x) => !x.notify)).toBe(true);
  });

  it('resolves a firing alert with one message', () => {
    const r = run([
      [0, warn, { forSeconds: 0 }],
      [1, clear],
      [2, clear],
    ]);
    expect(r.map((x) => x.status.state)).toEqual(['firing', 'resolved', 'resolved']);
    expect(r.map((x) => x.notify)).toEqual(['firing', 'resolved', undefined]);
  });

  it('missing data is no_data, never resolved; data returning still bad is not re-sent', () => {
    const r = run([
      [0, warn, { forSeconds: 0 }],
      [1, missing],
      [2, missing],
      [3, warn],
    ]);
    expect(r.map((x) => x.status.state)).toEqual(['firing', 'no_data', 'no_data', 'firing']);
    expect(r.map((x) => x.notify)).toEqual(['firing', undefined, undefined, undefined]);
    expect(r[1]!.transition?.reason).toBe('no data for this rule');
  });

  it('reminds while firing, not while acknowledged, until severity rises', () => {
    const fired = run([[0, warn, { forSeconds: 0 }]])[0]!.status;
    expect(step(fired, warn, ctx(61)).notify).toBe('reminder');
    const acked = acknowledge(fired)!;
    expect(acked.state).toBe('acknowledged');
    expect(step(acked, warn, ctx(61)).notify).toBeUndefined();
    const esc = step(acked, crit, ctx(62));
    expect(esc.status.state).toBe('firing');
    expect(esc.notify).toBe('escalated');
    expect(esc.status.severity).toBe('critical');
  });

  it('cannot acknowledge what is not open', () => {
    expect(acknowledge(INITIAL_STATUS)).toBeNull();
    expect(acknowledge({ ...INITIAL_STATUS, state: 'resolved' })).toBeNull();
  });

  it('records but does not send inside a blackout, and sends when the window ends', () => {
    const r = run([
      [0, warn, { forSeconds: 0, silenced: true }],
      [1, warn, { silenced: true }],
      [2, warn, { silenced: false }],
      [3, clear],
    ]);
    expect(r.map((x) => x.status.state)).toEqual(['silenced', 'silenced', 'firing', 'resolved']);
    expect(r.map((x) => x.notify)).toEqual([undefined, undefined, 'firing', 'resolved']);
  });

  it('a condition that clears inside the blackout is never announced', () => {
    const r = run([
      [0, warn, { forSeconds: 0, silenced: true }],
      [1, clear, { silenced: true }],
    ]);
    expect(r[1]!.status.state).toBe('resolved');
    expect(r.every((x) => !x.notify)).toBe(true);
  });

  it('a new episode after resolution starts pending again', () => {
    const r = run([
      [0, warn, { forSeconds: 0 }],
      [1, clear],
      [2, warn],
    ]);
    expect(r[2]!.status).toMatchObject({ state: 'pending', since: at(2), notified: false });
  });
});
