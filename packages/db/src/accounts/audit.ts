import type { Queryable } from '../client';

export type AuditEntry = {
  id: number;
  at: Date;
  actorUserId: number | null;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};

export type AuditInput = {
  at: Date;
  actorUserId: number | null;
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | number | null;
  ip?: string | null;
  /** what changed; callers pass field names and non-secret values only */
  details?: Record<string, unknown>;
};

export async function recordAudit(q: Queryable, e: AuditInput): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (at, actor_user_id, actor, action, target_type, target_id, ip, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      e.at,
      e.actorUserId,
      e.actor,
      e.action,
      e.targetType,
      e.targetId == null ? null : String(e.targetId),
      e.ip ?? null,
      JSON.stringify(e.details ?? {}),
    ],
  );
}

/** Newest first; `beforeId` pages backwards. */
export async function listAudit(
  q: Queryable,
  opts: { limit: number; beforeId?: number | undefined },
): Promise<AuditEntry[]> {
  return q.query<AuditEntry>(
    `SELECT id, at, actor_user_id AS "actorUserId", actor, action, target_type AS "targetType",
            target_id AS "targetId", ip, details
       FROM audit_log WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
    [opts.beforeId ?? null, opts.limit],
  );
}
