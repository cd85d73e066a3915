import { z } from 'zod';
import type { Queryable } from '../client';
import { ConflictError, NotFoundError } from '../errors';

const input = z.object({
  alertId: z.number().int().positive(),
  userId: z.number().int().positive().nullable(),
  comment: z.string().trim().max(2000).default(''),
  at: z.date(),
});
export type AckAlertInput = z.input<typeof input>;

/**
 * Acknowledges an alert that is firing or silenced (the lifecycle table's `ack`
 * transitions) and records the event. Reminders stop until the severity rises.
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
  await db.query(
    `UPDATE alerts SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3,
            ack_comment = $4, updated_at = $2 WHERE id = $1`,
    [a.alertId, a.at, a.userId, a.comment],
  );
  await db.query(
    `INSERT INTO alert_events (alert_id, at, from_state, to_state, reason)
     VALUES ($1, $2, $3, 'acknowledged', $4)`,
    [a.alertId, a.at, row.state, a.comment ? `acknowledged: ${a.comment}` : 'acknowledged'],
  );
}
