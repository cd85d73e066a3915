import type { AlertState } from '@pgvigil/schema';
import {
  TRANSITIONS,
  signalFor,
  type AlertStatus,
  type Observation,
  type Signal,
} from './lifecycle';

export const NOTIFY_KINDS = ['firing', 'escalated', 'reminder', 'resolved'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

export interface StepContext {
  at: Date;
  forSeconds: number;
  silenced: boolean;
  /** re-send a still-firing, unacknowledged alert this often; 0 = never */
  reminderSeconds: number;
}

export interface StepResult {
  status: AlertStatus;
  signal: Signal;
  /** set when the state changed: one alert event */
  transition?: { from: AlertState; to: AlertState; reason: string };
  notify?: NotifyKind;
}

function reasonOf(signal: Signal, obs: Observation, forSeconds: number): string {
  const value = obs.kind === 'missing' ? null : obs.value;
  switch (signal) {
    case 'breach':
      return `condition met (value ${String(value)}), waiting ${forSeconds}s before firing`;
    case 'hold':
      return `condition held for ${forSeconds}s (value ${String(value)})`;
    case 'hold_silenced':
      return `condition held, inside a blackout window: recorded, not sent`;
    case 'escalate':
      return `severity rose (value ${String(value)})`;
    case 'clear':
      if (obs.kind === 'clear' && obs.reason) return obs.reason;
      return `condition cleared (value ${String(value)})`;
    case 'missing':
      return 'no data for this rule';
    case 'ack':
      return 'acknowledged';
    case 'ack_expired':
      return 'acknowledgement expired';
  }
}

/** Applies one observation to an alert: the only place alert state changes. */
export function step(status: AlertStatus, obs: Observation, ctx: StepContext): StepResult {
  const signal = signalFor(status, obs, ctx);
  const to = TRANSITIONS[status.state][signal];
  const from = status.state;
  const next: AlertStatus = { ...status, state: to };
  if (obs.kind === 'breach') {
    next.value = obs.value;
    next.threshold = obs.threshold;
    // a silenced or acknowledged alert keeps its severity until it escalates
    if (to === 'pending' || to === 'firing' || from === 'ok' || from === 'resolved') {
      next.severity = obs.severity;
    }
  } else if (obs.kind === 'clear') {
    next.value = obs.value;
  }
  if (to === 'pending' && from !== 'pending') next.since = ctx.at;
  if ((to === 'firing' || to === 'silenced') && !next.firedAt) next.firedAt = ctx.at;
  if (to === 'ok') Object.assign(next, { since: null, firedAt: null, severity: null });
  if ((from === 'ok' || from === 'resolved') && to !== from) {
    Object.assign(next, { since: ctx.at, firedAt: to === 'pending' ? null : ctx.at });
    Object.assign(next, { notified: false, lastNotifiedAt: null });
  }

  let notify: NotifyKind | undefined;
  if (to === 'firing' && signal === 'escalate') notify = 'escalated';
  else if (to === 'firing' && (from !== 'firing' || !status.notified)) {
    // data coming back to a condition already announced is not news
    notify = from === 'no_data' && status.notified ? undefined : 'firing';
  } else if (to === 'firing' && ctx.reminderSeconds > 0 && status.lastNotifiedAt) {
    const due = status.lastNotifiedAt.getTime() + ctx.reminderSeconds * 1000;
    if (ctx.at.getTime() >= due) notify = 'reminder';
  } else if (to === 'resolved' && from !== 'resolved' && status.notified) notify = 'resolved';

  if (notify) {
    next.notified = notify !== 'resolved';
    next.lastNotifiedAt = ctx.at;
  }
  const result: StepResult = { status: next, signal };
  if (to !== from) result.transition = { from, to, reason: reasonOf(signal, obs, ctx.forSeconds) };
  if (notify) result.notify = notify;
  return result;
}

/** A person acknowledges: allowed only where the table has somewhere to go. */
export function acknowledge(status: AlertStatus): AlertStatus | null {
  const to = TRANSITIONS[status.state].ack;
  return to === status.state ? null : { ...status, state: to };
}

/** An acknowledgement with an expiry ran out: where the table sends the alert. */
export const ackExpired = (state: AlertState): AlertState => TRANSITIONS[state].ack_expired;
