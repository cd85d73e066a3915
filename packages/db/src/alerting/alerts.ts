import { z } from 'zod';
import type { Queryable } from '../client';
import { ALERT_STATES, SEVERITIES, type AlertState, type Severity } from '../domain';

export interface AlertRow {
  id: number;
  rule_id: number;
  server_id: number | null;
  database_name: string | null;
  object_key: string | null;
  fingerprint: string;
  state: AlertState;
  severity: Severity | null;
  value: number | null;
  threshold: number | null;
  message: string;
  started_at: Date;
  fired_at: Date | null;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: number | null;
  ack_comment: string | null;
  notified: boolean;
  last_notified_at: Date | null;
  details: Record<string, unknown>;
  last_evaluated_at: Date;
  updated_at: Date;
  /** escalation: the policy followed and the last step notified (null: none) */
  escalation_id?: number | null;
  escalation_step?: number | null;
  /** an acknowledgement with an expiry returns to firing then */
  ack_until?: Date | null;
  owner_id?: number | null;
  /** the server whose outage holds this alert's messages (suppression by dependency) */
  held_by_server_id?: number | null;
}

export const ALERT_COLUMNS = `id, rule_id, server_id, database_name, object_key, fingerprint, state,
  severity, value, threshold, message, started_at, fired_at, resolved_at, acknowledged_at,
  acknowledged_by, ack_comment, notified, last_notified_at, details, last_evaluated_at, updated_at,
  escalation_id, escalation_step, ack_until, owner_id, held_by_server_id`;

/** Every open alert (one per fingerprint): the loop's memory between cycles. */
export async function listOpenAlerts(db: Queryable): Promise<AlertRow[]> {
  return db.query<AlertRow & Record<string, unknown>>(
    `SELECT ${ALERT_COLUMNS} FROM alerts WHERE state NOT IN ('resolved', 'ok')`,
  );
}

const change = z.object({
  id: z.number().int().positive().nullable(),
  ruleId: z.number().int().positive(),
  serverId: z.number().int().positive().nullable(),
  databaseName: z.string().nullable(),
  objectKey: z.string().nullable(),
  fingerprint: z.string().min(1),
  state: z.enum(ALERT_STATES),
  severity: z.enum(SEVERITIES).nullable(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  message: z.string(),
  startedAt: z.date(),
  firedAt: z.date().nullable(),
  notified: z.boolean(),
  lastNotifiedAt: z.date().nullable(),
  details: z.record(z.string(), z.unknown()).default({}),
  at: z.date(),
  event: z
    .object({ from: z.enum(ALERT_STATES), to: z.enum(ALERT_STATES), reason: z.string() })
    .nullable(),
  /** the server whose outage holds it (null: released); absent: left as it is */
  heldBy: z.number().int().positive().nullable().optional(),
});
export type AlertChange = z.input<typeof change>;
export interface SavedAlert {
  alertId: number;
  eventId: number | null;
  fingerprint: string;
}

/**
 * Writes the outcome of one evaluation for many alerts: the alert row and, when the
 * state changed, its event. Call inside the same transaction as the outbox inserts.
 */
export async function saveAlertChanges(db: Queryable, raw: AlertChange[]): Promise<SavedAlert[]> {
  const changes = z.array(change).parse(raw);
  const out: SavedAlert[] = [];
  for (const c of changes) {
    const closed = c.state === 'resolved' || c.state === 'ok';
    const values = [
      c.state,
      c.severity,
      c.value,
      c.threshold,
      c.message,
      c.startedAt,
      c.firedAt,
      closed && c.state === 'resolved' ? c.at : null,
      c.notified,
      c.lastNotifiedAt,
      JSON.stringify(c.details),
      c.at,
      closed ? null : (c.heldBy ?? null),
      closed || c.heldBy !== undefined,
    ];
    let alertId: number;
    if (c.id !== null) {
      await db.query(
        `UPDATE alerts SET state = $2, severity = $3, value = $4, threshold = $5, message = $6,
                started_at = $7, fired_at = $8, resolved_at = $9, notified = $10,
                last_notified_at = $11, details = $12, last_evaluated_at = $13, updated_at = $13,
                -- a closed alert escalates no further and has nothing left to acknowledge
                escalation_next_at = CASE WHEN $2 IN ('resolved', 'ok') THEN NULL
                                          ELSE escalation_next_at END,
                ack_until = CASE WHEN $2 IN ('resolved', 'ok') THEN NULL ELSE ack_until END,
                held_by_server_id = CASE WHEN $15 THEN $14::bigint ELSE held_by_server_id END
          WHERE id = $1`,
        [c.id, ...values],
      );
      alertId = c.id;
    } else {
      const [row] = await db.query<{ id: number }>(
        `INSERT INTO alerts (state, severity, value, threshold, message, started_at, fired_at,
                             resolved_at, notified, last_notified_at, details, last_evaluated_at,
                             updated_at, held_by_server_id, rule_id, server_id, database_name,
                             object_key, fingerprint)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, $18)
         RETURNING id`,
        [...values.slice(0, 13), c.ruleId, c.serverId, c.databaseName, c.objectKey, c.fingerprint],
      );
      alertId = row!.id;
    }
    let eventId: number | null = null;
    if (c.event) {
      const [ev] = await db.query<{ id: number }>(
        `INSERT INTO alert_events (alert_id, at, from_state, to_state, severity, value, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [alertId, c.at, c.event.from, c.event.to, c.severity, c.value, c.event.reason],
      );
      eventId = ev!.id;
    }
    out.push({ alertId, eventId, fingerprint: c.fingerprint });
  }
  return out;
}
