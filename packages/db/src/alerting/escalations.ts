import { z } from 'zod';
import type { Db, Queryable } from '../client';
import type { Severity } from '../domain';
import { ConflictError, NotFoundError, ValidationError } from '../errors';

export const escalationStep = z.strictObject({
  channelIds: z.array(z.number().int().positive()).min(1),
  /** how long to wait for an acknowledgement before the next step */
  waitMinutes: z.number().int().min(1).max(10_080),
});
export type EscalationStep = z.output<typeof escalationStep>;

export interface EscalationPolicyRow {
  id: number;
  name: string;
  steps: EscalationStep[];
  repeat: boolean;
  created_at: Date;
}

const COLUMNS = 'id, name, steps, repeat, created_at';

export async function listEscalationPolicies(db: Queryable): Promise<EscalationPolicyRow[]> {
  return db.query<EscalationPolicyRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM escalation_policies ORDER BY lower(name)`,
  );
}

const input = z.object({
  name: z.string().trim().min(1).max(100),
  steps: z.array(escalationStep).min(1).max(20),
  repeat: z.boolean().default(false),
});
export type CreateEscalationPolicyInput = z.input<typeof input>;

export async function createEscalationPolicy(
  db: Queryable,
  raw: CreateEscalationPolicyInput,
): Promise<EscalationPolicyRow> {
  const p = input.parse(raw);
  const ids = [...new Set(p.steps.flatMap((s) => s.channelIds))];
  await requireChannels(db, ids, 'steps');
  const [row] = await db.query<EscalationPolicyRow & Record<string, unknown>>(
    `INSERT INTO escalation_policies (name, steps, repeat) VALUES ($1, $2, $3)
     ON CONFLICT (lower(name)) DO NOTHING RETURNING ${COLUMNS}`,
    [p.name, JSON.stringify(p.steps), p.repeat],
  );
  if (!row)
    throw new ValidationError(`An escalation policy is already named "${p.name}"`, {
      name: 'already taken',
    });
  return row;
}

const policyChanges = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  steps: z.array(escalationStep).min(1).max(20).optional(),
  repeat: z.boolean().optional(),
});
export type UpdateEscalationPolicyInput = z.input<typeof policyChanges>;

/**
 * Changes what is given of a policy. Alerts already following it continue from their
 * step under the new steps (a step past the new end ends the policy for them).
 */
export async function updateEscalationPolicy(
  db: Queryable,
  id: number,
  raw: UpdateEscalationPolicyInput,
): Promise<EscalationPolicyRow> {
  const p = policyChanges.parse(raw);
  if (p.steps)
    await requireChannels(db, [...new Set(p.steps.flatMap((s) => s.channelIds))], 'steps');
  const rows = await db.query<EscalationPolicyRow & Record<string, unknown>>(
    `UPDATE escalation_policies SET name = coalesce($2, name), steps = coalesce($3::jsonb, steps),
            repeat = coalesce($4, repeat), updated_at = now()
      WHERE id = $1
        AND NOT EXISTS (SELECT 1 FROM escalation_policies o
                         WHERE o.id <> $1 AND lower(o.name) = lower($2))
      RETURNING ${COLUMNS}`,
    [id, p.name ?? null, p.steps ? JSON.stringify(p.steps) : null, p.repeat ?? null],
  );
  if (rows[0]) return rows[0];
  await requireExisting(db, id);
  throw new ValidationError(`An escalation policy is already named "${p.name}"`, {
    name: 'already taken',
  });
}

/**
 * Deletes a policy no route names; one in use answers which routes name it (deleting
 * it would silently stop their escalation). Alerts following it stop escalating.
 */
export async function deleteEscalationPolicy(db: Db, id: number): Promise<{ name: string }> {
  return db.tx(async (q) => {
    const [policy] = await q.query<{ name: string }>(
      `SELECT name FROM escalation_policies WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!policy) throw new NotFoundError(`Escalation policy ${id}`);
    const users = await q.query<{ name: string }>(
      `SELECT name FROM notification_routes WHERE escalation_id = $1 ORDER BY position, id
       FOR KEY SHARE`,
      [id],
    );
    if (users.length)
      throw new ConflictError(
        `Escalation policy "${policy.name}" is used by route${users.length > 1 ? 's' : ''} ${users
          .map((u) => `"${u.name}"`)
          .join(', ')}`,
        'Give those routes another policy (or none) first',
      );
    await q.query(`DELETE FROM escalation_policies WHERE id = $1`, [id]);
    return policy;
  });
}

async function requireExisting(db: Queryable, id: number) {
  const [row] = await db.query(`SELECT 1 FROM escalation_policies WHERE id = $1`, [id]);
  if (!row) throw new NotFoundError(`Escalation policy ${id}`);
}

/** Refuses channel ids that do not exist (a route or step sending nowhere). */
export async function requireChannels(db: Queryable, ids: number[], field: string) {
  const known = await db.query<{ id: number }>(`SELECT id FROM channels WHERE id = ANY($1)`, [ids]);
  const missing = ids.filter((id) => !known.some((k) => k.id === id));
  if (missing.length) {
    throw new ValidationError(`No channel ${missing.join(', ')}`, {
      [field]: 'every channel must exist',
    });
  }
}

export async function requirePolicy(db: Queryable, id: number) {
  const [row] = await db.query(`SELECT 1 FROM escalation_policies WHERE id = $1`, [id]);
  if (!row) {
    throw new ValidationError(`No escalation policy ${id}`, { escalationId: 'must exist' });
  }
}

/** Alerts that entered a policy: step 0 was notified at `at`, the next is due at `nextAt`. */
export async function startEscalations(
  db: Queryable,
  starts: { alertIds: number[]; policyId: number; nextAt: Date | null; at: Date; reason: string }[],
): Promise<void> {
  for (const s of starts) {
    const rows = await db.query<{ id: number; state: string }>(
      `UPDATE alerts SET escalation_id = $2, escalation_step = 0, escalation_next_at = $3
        WHERE id = ANY($1) AND escalation_id IS NULL RETURNING id, state`,
      [s.alertIds, s.policyId, s.nextAt],
    );
    for (const r of rows) await timelineNote(db, r.id, r.state, s.at, s.reason);
  }
}

/** A note on an alert's timeline that changes no state (escalation steps, acknowledgements). */
export async function timelineNote(
  db: Queryable,
  alertId: number,
  state: string,
  at: Date,
  reason: string,
): Promise<number> {
  const [ev] = await db.query<{ id: number }>(
    `INSERT INTO alert_events (alert_id, at, from_state, to_state, reason)
     VALUES ($1, $2, $3, $3, $4) RETURNING id`,
    [alertId, at, state, reason],
  );
  return ev!.id;
}

export interface DueEscalation {
  id: number;
  fingerprint: string;
  state: 'firing';
  severity: Severity;
  value: number | null;
  threshold: number | null;
  message: string;
  started_at: Date;
  database_name: string | null;
  object_key: string | null;
  /** null: a new round starts (an acknowledgement ran out) */
  escalation_step: number | null;
  rule_key: string;
  rule_name: string;
  runbook: string;
  unit: string | null;
  server_id: number | null;
  server_name: string | null;
  policy_id: number;
  policy_name: string;
  steps: EscalationStep[];
  repeat: boolean;
}

/**
 * Firing alerts whose next escalation step is due, locked for this cycle. Acknowledged,
 * silenced and closed alerts are not firing, so they never escalate.
 */
export async function claimDueEscalations(db: Queryable, at: Date): Promise<DueEscalation[]> {
  return db.query<DueEscalation & Record<string, unknown>>(
    `SELECT a.id, a.fingerprint, a.state, a.severity, a.value, a.threshold, a.message,
            a.started_at, a.database_name, a.object_key, a.escalation_step,
            r.key AS rule_key, r.name AS rule_name, coalesce(r.definition->>'runbook', '') AS runbook,
            r.definition->>'unit' AS unit, a.server_id, s.name AS server_name,
            p.id AS policy_id, p.name AS policy_name, p.steps, p.repeat
       FROM alerts a
       JOIN escalation_policies p ON p.id = a.escalation_id
       JOIN rules r ON r.id = a.rule_id
       LEFT JOIN servers s ON s.id = a.server_id
      -- a held alert (its server down) waits: released, it escalates from where it was
      WHERE a.state = 'firing' AND a.escalation_next_at <= $1 AND a.held_by_server_id IS NULL
      ORDER BY a.escalation_next_at
      FOR UPDATE OF a SKIP LOCKED`,
    [at],
  );
}

/** Records that `step` was notified (or that the policy ended: `nextAt` null). */
export async function recordEscalationStep(
  db: Queryable,
  e: { alertId: number; step: number; nextAt: Date | null; at: Date; reason: string },
): Promise<number> {
  await db.query(
    `UPDATE alerts SET escalation_step = $2, escalation_next_at = $3, updated_at = $4
      WHERE id = $1`,
    [e.alertId, e.step, e.nextAt, e.at],
  );
  return timelineNote(db, e.alertId, 'firing', e.at, e.reason);
}

/** Acknowledged alerts whose acknowledgement ran out by `at`. */
export async function listExpiredAcks(
  db: Queryable,
  at: Date,
): Promise<{ id: number; state: 'acknowledged'; escalation_id: number | null }[]> {
  return db.query(
    `SELECT id, state, escalation_id FROM alerts
      WHERE state = 'acknowledged' AND ack_until <= $1 FOR UPDATE SKIP LOCKED`,
    [at],
  );
}

/**
 * An acknowledgement ran out: the alert returns to `to` (firing), reminders resume from
 * now, and an escalation policy starts a new round from its first step at once.
 */
export async function expireAck(
  db: Queryable,
  e: { alertId: number; to: string; at: Date },
): Promise<void> {
  await db.query(
    `UPDATE alerts SET state = $2, ack_until = NULL, last_notified_at = $3::timestamptz,
            updated_at = $3::timestamptz,
            escalation_next_at = CASE WHEN escalation_id IS NOT NULL THEN $3::timestamptz END,
            escalation_step = NULL
      WHERE id = $1`,
    [e.alertId, e.to, e.at],
  );
  await db.query(
    `INSERT INTO alert_events (alert_id, at, from_state, to_state, reason)
     VALUES ($1, $2, 'acknowledged', $3, 'acknowledgement expired')`,
    [e.alertId, e.at, e.to],
  );
}
