import type { Db, Queryable } from '@pgvigil/db';
import {
  enqueueNotifications,
  joinWaitingMessage,
  outboxGroup,
  recordRuleOutcomes,
  saveAlertChanges,
  startEscalations,
} from '@pgvigil/db/alerting';
import { runEscalations } from './escalate';
import { loadCycle, type LoadOptions } from './load';
import {
  groupDueAt,
  investigateAlert,
  joinPayloads,
  likelyLine,
  planCycle,
  type NotificationPayload,
  type PendingNotification,
} from '@pgvigil/alerting';
import type { OutboxItem } from '@pgvigil/db/alerting';

export interface CycleResult {
  evaluated: number;
  changes: number;
  queued: number;
  /** rules that could not be read or evaluated (recorded on each rule) */
  failed: number;
  /** milliseconds spent reading the datastore, planning, and writing the changes */
  ms: { load: number; plan: number; write: number };
}

/**
 * Load, plan, write. Alert rows, their events and the messages they cause are
 * written in one transaction: a crash leaves either all of them or none. A rule
 * that failed is recorded on the rule; the others are evaluated all the same.
 */
export async function runCycle(db: Db, at: Date, opts: LoadOptions): Promise<CycleResult> {
  const t0 = performance.now();
  const input = await loadCycle(db, at, opts);
  const t1 = performance.now();
  const plan = planCycle(input);
  const t2 = performance.now();
  const ms = (t3: number) => ({ load: t1 - t0, plan: t2 - t1, write: t3 - t2 });
  await recordRuleOutcomes(db, {
    at,
    failed: plan.failures,
    ok: plan.okRuleIds,
    unavailable: plan.unavailable,
  });
  const failed = plan.failures.length;
  // after the plan's writes, which were decided on the states read before: acknowledgements
  // that ran out and escalation steps that are due
  const escalate = () => runEscalations(db, at, opts);
  if (plan.changes.length === 0) {
    const escalated = await escalate();
    return {
      evaluated: plan.evaluated,
      changes: 0,
      queued: escalated,
      failed,
      ms: ms(performance.now()),
    };
  }
  const queued = await db.tx(async (q) => {
    const saved = new Map((await saveAlertChanges(q, plan.changes)).map((s) => [s.fingerprint, s]));
    await startEscalations(
      q,
      plan.notifications.flatMap((n) =>
        n.escalation
          ? [
              {
                ...n.escalation,
                alertIds: n.itemFingerprints
                  .map((f) => saved.get(f)?.alertId)
                  .filter((id): id is number => id !== undefined),
                at,
              },
            ]
          : [],
      ),
    );
    const likely = await likelyCauses(
      q,
      plan.notifications
        .filter((n) => n.kind === 'firing' || n.kind === 'escalated')
        .map((n) => saved.get(n.itemFingerprints[0]!)?.alertId)
        .filter((id): id is number => id !== undefined),
      at,
      opts,
    );
    const items = plan.notifications.map((n) => {
      const first = saved.get(n.itemFingerprints[0]!);
      return {
        channelId: n.channelId,
        dedupeKey: n.dedupeKey,
        kind: n.kind,
        alertId: first?.alertId ?? null,
        alertEventId: first?.eventId ?? null,
        payload: {
          ...n.payload,
          likely:
            n.kind === 'firing' || n.kind === 'escalated'
              ? (likely.get(first?.alertId ?? 0) ?? null)
              : null,
          items: n.payload.items.map((item, i) => ({
            ...item,
            alertId: saved.get(n.itemFingerprints[i]!)?.alertId ?? null,
          })),
        },
        at,
      };
    });
    const queued = [];
    for (const [i, n] of plan.notifications.entries()) {
      const item = await timeGroup(q, n, items[i]!, opts.baseUrl);
      if (item) queued.push(item);
    }
    return enqueueNotifications(q, queued);
  });
  const escalated = await escalate();
  return {
    evaluated: plan.evaluated,
    changes: plan.changes.length,
    queued: queued + escalated,
    failed,
    ms: ms(performance.now()),
  };
}

/**
 * A route's group wait and group interval (timing.ts): the message waits in the outbox
 * until due, and a later one of its group joins the waiting one instead of being queued
 * (null; the waiting message's payload now holds both).
 */
async function timeGroup(
  q: Queryable,
  n: PendingNotification,
  item: OutboxItem & { payload: NotificationPayload },
  baseUrl: string,
): Promise<OutboxItem | null> {
  if (!n.group) return item;
  const g = { channelId: n.channelId, groupKey: n.group.key, kind: n.kind, at: item.at };
  const { waiting, lastAt } = await outboxGroup(q, g);
  if (waiting) {
    const joined = joinPayloads(waiting.payload as NotificationPayload, item.payload, baseUrl);
    await joinWaitingMessage(q, waiting.id, joined);
    return null;
  }
  return { ...item, groupKey: n.group.key, dueAt: groupDueAt(n.group.timing, item.at, lastAt) };
}

/**
 * The top cause of each alert's investigation, for its message: one investigation
 * per alert (a burst of channels shares it). An investigation that fails costs the
 * line, never the message.
 */
async function likelyCauses(
  q: Queryable,
  alertIds: number[],
  at: Date,
  opts: LoadOptions,
): Promise<Map<number, NotificationPayload['likely']>> {
  const out = new Map<number, NotificationPayload['likely']>();
  const base = opts.baseUrl.replace(/\/$/, '');
  for (const id of new Set(alertIds)) {
    // a savepoint: a failed read must not abort the cycle's transaction
    await q.query('SAVEPOINT investigation');
    try {
      const inv = await investigateAlert(q, id, at);
      const text = likelyLine(inv);
      if (text) out.set(id, { text, href: `${base}${inv.href}` });
      await q.query('RELEASE SAVEPOINT investigation');
    } catch (err) {
      await q.query('ROLLBACK TO SAVEPOINT investigation');
      opts.log?.(`investigation of alert ${id} failed: ${String(err)}`);
    }
  }
  return out;
}
