import { z } from 'zod';
import type { Queryable } from '../client';
import { ConflictError, NotFoundError, ValidationError } from '../errors';

const input = z.object({
  alertId: z.number().int().positive(),
  userId: z.number().int().positive().nullable(),
  comment: z.string().trim().max(2000).default(''),
  /** "ack for 2 h": the alert returns to firing after this long (absent: until it clears) */
  forMinutes: z.number().int().min(1).max(10_080).optional(),
  /** who owns it from now on (absent: whoever acknowledges) */
  ownerId: z.number().int().positive().nullable().optional(),
  at: z.date(),
});
export type AckAlertInput = z.input<typeof input>;

/**
 * Acknowledges an alert that is firing or silenced (the lifecycle table's `ack`
 * transitions) and records the event. Reminders and escalation stop until the severity
 * rises or, with `forMinutes`, until the acknowledgement runs out.
 */
export async function ackAlert(db: Queryable, raw: AckAlertInput): Promise<void> {
  const a = input.parse(raw);
  const [row] = await db.query<{ state: string }>(
    `SELECT state FROM alerts WHERE id = $1 FOR UPDATE`,
    [a.alertId],
  );
  if (!row) throw new NotFoundError(`Alert ${a.alertId}`);
  if (row.state !== 'firing' && row.state !== 'silenced') {
    throw new ConflictError(
      `Alert ${a.alertId} is ${row.state}; only firing or silenced alerts can be acknowledged`,
    );
  }
  const ownerId = a.ownerId === undefined ? a.userId : a.ownerId;
  const [owner] = ownerId
    ? await db.query<{ username: string }>(`SELECT username FROM users WHERE id = $1`, [ownerId])
    : [];
  if (ownerId && !owner) throw new ValidationError(`No user ${ownerId}`, { ownerId: 'must exist' });
  const until = a.forMinutes ? new Date(a.at.getTime() + a.forMinutes * 60_000) : null;
  await db.query(
    `UPDATE alerts SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3,
            ack_comment = $4, updated_at = $2, ack_until = $5, owner_id = $6 WHERE id = $1`,
    [a.alertId, a.at, a.userId, a.comment, until, ownerId],
  );
  const reason = [
    'acknowledged',
    until ? ` until ${until.toISOString()}` : '',
    owner ? ` (owner ${owner.username})` : '',
    a.comment ? `: ${a.comment}` : '',
  ].join('');
  await db.query(
    `INSERT INTO alert_events (alert_id, at, from_state, to_state, reason)
     VALUES ($1, $2, $3, 'acknowledged', $4)`,
    [a.alertId, a.at, row.state, reason],
  );
}
