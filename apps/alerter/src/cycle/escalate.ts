import type { Db } from '@pgvigil/db';
import {
  claimDueEscalations,
  enqueueNotifications,
  expireAck,
  listChannels,
  listExpiredAcks,
  recordEscalationStep,
} from '@pgvigil/db/alerting';
import { ackExpired, escalationPayload, nextEscalation, stepLabel } from '@pgvigil/alerting';
import type { LoadOptions } from './load';

/**
 * What happens to alerts that did not change this cycle: acknowledgements that ran out
 * return their alert to firing (the lifecycle's `ack_expired`), and a firing alert whose
 * escalation step waited long enough without an acknowledgement notifies the next step.
 * One transaction: the step, its timeline note and its messages, or none of them.
 * Returns the messages queued.
 */
export async function runEscalations(db: Db, at: Date, opts: LoadOptions): Promise<number> {
  return db.tx(async (q) => {
    for (const a of await listExpiredAcks(q, at)) {
      await expireAck(q, { alertId: a.id, to: ackExpired(a.state), at });
    }
    let queued = 0;
    const due = await claimDueEscalations(q, at);
    // a step may name a channel deleted or disabled since
    const usable = due.length
      ? new Set((await listChannels(q)).filter((c) => c.enabled).map((c) => c.id))
      : new Set<number>();
    for (const a of due) {
      const policy = { id: a.policy_id, name: a.policy_name, steps: a.steps, repeat: a.repeat };
      const move = nextEscalation(policy, a.escalation_step ?? -1, at);
      if (!move) {
        await recordEscalationStep(q, {
          alertId: a.id,
          step: a.escalation_step ?? 0,
          nextAt: null,
          at,
          reason: `escalation "${policy.name}" ended without an acknowledgement`,
        });
        continue;
      }
      const eventId = await recordEscalationStep(q, {
        alertId: a.id,
        step: move.step,
        nextAt: move.nextAt,
        at,
        reason: `not acknowledged: escalation "${policy.name}" ${stepLabel(policy, move.step)}`,
      });
      const payload = escalationPayload(a, policy, move.step, at, opts.baseUrl);
      queued += await enqueueNotifications(
        q,
        move.channelIds
          .filter((id) => usable.has(id))
          .map((channelId) => ({
            channelId,
            dedupeKey: `escalation:${channelId}:${a.id}:${move.step}:${at.toISOString()}`,
            kind: 'escalated',
            alertId: a.id,
            alertEventId: eventId,
            payload,
            at,
          })),
      );
    }
    return queued;
  });
}
