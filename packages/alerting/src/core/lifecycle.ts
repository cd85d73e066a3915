import type { AlertState, Severity } from '@pgvigil/schema';

/**
 * The alert lifecycle, written down once. Every state change of every alert goes
 * through TRANSITIONS; `signalFor` turns an evaluation into one signal.
 */
export const SIGNALS = [
  'breach', // condition true, `for` not yet elapsed
  'hold', // condition true for at least `for`
  'hold_silenced', // same, inside a blackout
  'escalate', // condition true and severity rose
  'clear', // condition false (past hysteresis)
  'missing', // no data
  'ack', // a person acknowledged
  'ack_expired', // an acknowledgement given for a while ("ack for 2 h") ran out
] as const;
export type Signal = (typeof SIGNALS)[number];

export const TRANSITIONS: Record<AlertState, Record<Signal, AlertState>> = {
  ok: {
    breach: 'pending',
    hold: 'firing',
    hold_silenced: 'silenced',
    escalate: 'pending',
    clear: 'ok',
    missing: 'ok',
    ack: 'ok',
    ack_expired: 'ok',
  },
  pending: {
    breach: 'pending',
    hold: 'firing',
    hold_silenced: 'silenced',
    escalate: 'pending',
    clear: 'ok',
    // an unconfirmed condition without data is dropped, not kept as no_data
    missing: 'ok',
    ack: 'pending',
    ack_expired: 'pending',
  },
  firing: {
    breach: 'firing',
    hold: 'firing',
    hold_silenced: 'silenced',
    escalate: 'firing',
    clear: 'resolved',
    missing: 'no_data',
    ack: 'acknowledged',
    ack_expired: 'firing',
  },
  acknowledged: {
    breach: 'acknowledged',
    hold: 'acknowledged',
    hold_silenced: 'acknowledged',
    // acknowledging stops reminders until the severity rises
    escalate: 'firing',
    clear: 'resolved',
    missing: 'no_data',
    ack: 'acknowledged',
    ack_expired: 'firing',
  },
  silenced: {
    breach: 'silenced',
    // the window ended and the condition still holds: now it is sent
    hold: 'firing',
    hold_silenced: 'silenced',
    escalate: 'silenced',
    clear: 'resolved',
    missing: 'no_data',
    ack: 'acknowledged',
    ack_expired: 'silenced',
  },
  no_data: {
    breach: 'firing',
    hold: 'firing',
    hold_silenced: 'silenced',
    escalate: 'firing',
    // missing data never resolves; data that came back clear does
    clear: 'resolved',
    missing: 'no_data',
    ack: 'no_data',
    ack_expired: 'no_data',
  },
  resolved: {
    breach: 'pending',
    hold: 'firing',
    hold_silenced: 'silenced',
    escalate: 'pending',
    clear: 'resolved',
    missing: 'resolved',
    ack: 'resolved',
    ack_expired: 'resolved',
  },
};

/** States in which an alert row is open (one per fingerprint). */
export const OPEN_STATES: readonly AlertState[] = [
  'pending',
  'firing',
  'acknowledged',
  'silenced',
  'no_data',
];
export const isOpen = (state: AlertState) => OPEN_STATES.includes(state);

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
export const severityRank = (s: Severity) => RANK[s];
export const atLeast = (s: Severity, min: Severity) => RANK[s] >= RANK[min];

export type Observation =
  | { kind: 'breach'; severity: Severity; value: number; threshold: number }
  | {
      kind: 'clear';
      value: number | null;
      /** why, when not the value (a role change) */ reason?: string;
    }
  | { kind: 'missing' };

export interface AlertStatus {
  state: AlertState;
  severity: Severity | null;
  /** when the current condition started (start of pending) */
  since: Date | null;
  firedAt: Date | null;
  /** a firing message went out for this episode (so a resolve is worth sending) */
  notified: boolean;
  lastNotifiedAt: Date | null;
  value: number | null;
  threshold: number | null;
}

export const INITIAL_STATUS: AlertStatus = {
  state: 'ok',
  severity: null,
  since: null,
  firedAt: null,
  notified: false,
  lastNotifiedAt: null,
  value: null,
  threshold: null,
};

export function signalFor(
  status: AlertStatus,
  obs: Observation,
  ctx: { at: Date; forSeconds: number; silenced: boolean },
): Signal {
  if (obs.kind === 'missing') return 'missing';
  if (obs.kind === 'clear') return 'clear';
  const confirmed = ['firing', 'acknowledged', 'silenced', 'no_data'].includes(status.state);
  if (
    confirmed &&
    status.severity &&
    severityRank(obs.severity) > severityRank(status.severity) &&
    !ctx.silenced
  ) {
    return 'escalate';
  }
  const since = status.state === 'pending' && status.since ? status.since : ctx.at;
  const held = confirmed || ctx.at.getTime() - since.getTime() >= ctx.forSeconds * 1000;
  if (!held) return 'breach';
  return ctx.silenced ? 'hold_silenced' : 'hold';
}
