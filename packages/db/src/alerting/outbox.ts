import { NOTIFICATION_KINDS } from '@pgvigil/schema';
import { z } from 'zod';
import type { Queryable } from '../client';
import type { OutboxStatus } from '../domain';

export { NOTIFICATION_KINDS } from '@pgvigil/schema';
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const item = z.object({
  channelId: z.number().int().positive(),
  dedupeKey: z.string().min(1).max(500),
  kind: z.enum(NOTIFICATION_KINDS),
  alertId: z.number().int().positive().nullable(),
  alertEventId: z.number().int().positive().nullable(),
  payload: z.record(z.string(), z.unknown()),
  at: z.date(),
  /** when to send it, if later than `at` (a route's group wait or group interval) */
  dueAt: z.date().optional(),
  /** its group on the channel (rule and server), for a later message to join while it waits */
  groupKey: z.string().max(500).optional(),
});
export type OutboxItem = z.input<typeof item>;

/** Queues messages; a dedupe key already queued is skipped, so replays are harmless. */
export async function enqueueNotifications(db: Queryable, raw: OutboxItem[]): Promise<number> {
  const items = z.array(item).parse(raw);
  let added = 0;
  for (const i of items) {
    const rows = await db.query(
      `INSERT INTO notification_outbox (channel_id, dedupe_key, kind, alert_id, alert_event_id,
                                        payload, next_attempt_at, created_at, group_key)
       VALUES ($1, $2, $3, $4, $5, $6, greatest($7, $8::timestamptz), $7, $9)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [
        i.channelId,
        i.dedupeKey,
        i.kind,
        i.alertId,
        i.alertEventId,
        JSON.stringify(i.payload),
        i.at,
        i.dueAt ?? null,
        i.groupKey ?? null,
      ],
    );
    added += rows.length;
  }
  return added;
}

export interface OutboxGroup {
  /** a message of the group still waiting (never attempted), which later ones join */
  waiting: { id: number; payload: Record<string, unknown>; dueAt: Date } | null;
  /** when the group's newest message went out, or is due to */
  lastAt: Date | null;
}

/** Where the group of `kind` messages on a channel stands, its waiting message locked. */
export async function outboxGroup(
  db: Queryable,
  g: { channelId: number; groupKey: string; kind: NotificationKind; at: Date },
): Promise<OutboxGroup> {
  const [waiting] = await db.query<{
    id: number;
    payload: Record<string, unknown>;
    next_attempt_at: Date;
  }>(
    `SELECT id, payload, next_attempt_at FROM notification_outbox
      WHERE channel_id = $1 AND group_key = $2 AND kind = $3 AND status = 'pending'
        AND attempts = 0 AND next_attempt_at > $4
      ORDER BY next_attempt_at DESC LIMIT 1 FOR UPDATE`,
    [g.channelId, g.groupKey, g.kind, g.at],
  );
  const [last] = await db.query<{ at: Date | null }>(
    `SELECT max(coalesce(sent_at, next_attempt_at)) AS at FROM notification_outbox
      WHERE channel_id = $1 AND group_key = $2 AND kind = $3 AND status <> 'failed'`,
    [g.channelId, g.groupKey, g.kind],
  );
  return {
    waiting: waiting
      ? { id: waiting.id, payload: waiting.payload, dueAt: waiting.next_attempt_at }
      : null,
    lastAt: last?.at ?? null,
  };
}

/** A waiting message takes in a later one of its group: its payload is replaced. */
export async function joinWaitingMessage(
  db: Queryable,
  id: number,
  payload: Record<string, unknown>,
): Promise<void> {
  await db.query(`UPDATE notification_outbox SET payload = $2 WHERE id = $1`, [
    id,
    JSON.stringify(payload),
  ]);
}

export interface ClaimedMessage {
  id: number;
  channel_id: number;
  dedupe_key: string;
  kind: NotificationKind;
  payload: Record<string, unknown>;
  attempts: number;
}

/**
 * Takes due messages for delivery under a lease. A message whose sender died
 * (kill -9) is taken again once its lease expires: at least once, never lost.
 */
export async function claimDueNotifications(
  db: Queryable,
  opts: { at: Date; limit: number; leaseSeconds: number },
): Promise<ClaimedMessage[]> {
  return db.query<ClaimedMessage & Record<string, unknown>>(
    `UPDATE notification_outbox o
        SET status = 'sending', attempts = o.attempts + 1,
            locked_until = $1::timestamptz + make_interval(secs => $3)
       FROM (SELECT id FROM notification_outbox
              WHERE (status = 'pending' AND next_attempt_at <= $1)
                 OR (status = 'sending' AND locked_until <= $1)
              ORDER BY next_attempt_at, id
              LIMIT $2 FOR UPDATE SKIP LOCKED) due
      WHERE o.id = due.id
      RETURNING o.id, o.channel_id, o.dedupe_key, o.kind, o.payload, o.attempts`,
    [opts.at, opts.limit, opts.leaseSeconds],
  );
}

export async function markNotificationSent(db: Queryable, id: number, at: Date): Promise<void> {
  await db.query(
    `UPDATE notification_outbox SET status = 'sent', sent_at = $2, locked_until = NULL,
            last_error = NULL WHERE id = $1`,
    [id, at],
  );
}

/** Schedules a retry at `retryAt`, or gives up (`failed`) when retryAt is null. */
export async function markNotificationFailed(
  db: Queryable,
  opts: { id: number; error: string; retryAt: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE notification_outbox
        SET status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($3, next_attempt_at), locked_until = NULL,
            last_error = left($2, 2000)
      WHERE id = $1`,
    [opts.id, opts.error, opts.retryAt],
  );
}

export interface OutboxRow {
  id: number;
  channel_id: number;
  channel_name: string;
  kind: NotificationKind;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  next_attempt_at: Date;
  alert_id: number | null;
  title: string | null;
}

/** Recent deliveries for the UI: attempts and last error included. */
export async function listOutbox(
  db: Queryable,
  opts: { channelId?: number; limit?: number; offset?: number } = {},
): Promise<OutboxRow[]> {
  return db.query<OutboxRow & Record<string, unknown>>(
    `SELECT o.id, o.channel_id, c.name AS channel_name, o.kind, o.status, o.attempts,
            o.last_error, o.created_at, o.sent_at, o.next_attempt_at, o.alert_id,
            o.payload->>'title' AS title
       FROM notification_outbox o JOIN channels c ON c.id = o.channel_id
      WHERE $1::bigint IS NULL OR o.channel_id = $1
      ORDER BY o.created_at DESC, o.id DESC LIMIT $2 OFFSET $3`,
    [opts.channelId ?? null, opts.limit ?? 100, opts.offset ?? 0],
  );
}
