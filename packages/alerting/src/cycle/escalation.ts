import { RULE_UNITS, type RuleUnit } from '@pgvigil/schema';
import type { DueEscalation, EscalationStep } from '@pgvigil/db/alerting';
import type { NotificationPayload } from '../notify/payload';

export interface EscalationPolicy {
  id: number;
  name: string;
  steps: readonly EscalationStep[];
  repeat: boolean;
}

export interface EscalationMove {
  /** steps notified so far, minus one: counts on past the end when the policy repeats */
  step: number;
  channelIds: readonly number[];
  /** when the step after it is due unless acknowledged; null: the policy ends here */
  nextAt: Date | null;
}

const after = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

/** Step `n` of the policy's steps (a repeating policy starts over after the last). */
const stepAt = (policy: EscalationPolicy, n: number) => policy.steps[n % policy.steps.length]!;

function move(policy: EscalationPolicy, step: number, at: Date): EscalationMove {
  const s = stepAt(policy, step);
  const last = step % policy.steps.length === policy.steps.length - 1;
  return {
    step,
    channelIds: s.channelIds,
    nextAt: last && !policy.repeat ? null : after(at, s.waitMinutes),
  };
}

/** An alert starts firing on a route with this policy: step 0 is notified with it. */
export const firstEscalation = (policy: EscalationPolicy, at: Date): EscalationMove =>
  move(policy, 0, at);

/**
 * Nobody acknowledged within the wait of step `current`: the next step, or the first
 * again when the policy repeats. Null when the policy has ended (nothing left to notify).
 */
export function nextEscalation(
  policy: EscalationPolicy,
  current: number,
  at: Date,
): EscalationMove | null {
  const next = current + 1;
  return next < policy.steps.length || policy.repeat ? move(policy, next, at) : null;
}

/** Channels notified so far by steps 0..`step` (a resolve goes to each of them). */
export const reachedChannels = (policy: EscalationPolicy, step: number): number[] => [
  ...new Set(
    policy.steps.slice(0, Math.min(step, policy.steps.length - 1) + 1).flatMap((s) => s.channelIds),
  ),
];

/** "step 2 of 3" as the timeline says it. */
export const stepLabel = (policy: EscalationPolicy, step: number) =>
  `step ${(step % policy.steps.length) + 1} of ${policy.steps.length}`;

/** The message of an escalation step: the alert as it stands, to the step's channels. */
export function escalationPayload(
  a: DueEscalation,
  policy: EscalationPolicy,
  step: number,
  at: Date,
  baseUrl: string,
): NotificationPayload {
  const where = a.server_name ? ` on ${a.server_name}` : '';
  const unit = RULE_UNITS.includes(a.unit as RuleUnit) ? (a.unit as RuleUnit) : undefined;
  const query = new URLSearchParams({ rule: a.rule_key });
  if (a.server_id !== null) query.set('server', String(a.server_id));
  return {
    kind: 'escalated',
    title: `${a.rule_name}${where} not acknowledged: escalation ${stepLabel(policy, step)}`,
    severity: a.severity,
    rule: { key: a.rule_key, name: a.rule_name, runbook: a.runbook },
    server: a.server_id !== null && a.server_name ? { id: a.server_id, name: a.server_name } : null,
    items: [
      {
        alertId: a.id,
        database: a.database_name,
        object: a.object_key,
        value: a.value,
        threshold: a.threshold,
        ...(unit ? { unit } : {}),
        message: a.message,
        since: a.started_at.toISOString(),
      },
    ],
    link: `${baseUrl.replace(/\/$/, '')}/alerts?${query.toString()}`,
    at: at.toISOString(),
  };
}
