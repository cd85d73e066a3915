import { z } from 'zod';
import { parseInput } from './parse';
import type { Queryable } from '../client';
import type { AlertState, Severity } from '../domain';
import { ACTIVE_ALERT_STATES } from './health';

export const activeAlertsInput = z.object({
  serverId: z.coerce.number().int().positive().optional(),
  clusterId: z.coerce.number().int().positive().optional(),
  databaseName: z.string().max(200).optional(),
  /** `schema.name` of a table, index or sequence, as the alerter writes it */
  objectKey: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export type ActiveAlert = {
  id: number;
  ruleName: string;
  ruleKey: string;
  serverId: number | null;
  serverName: string | null;
  databaseName: string | null;
  objectKey: string | null;
  state: AlertState;
  severity: Severity | null;
  value: number | null;
  threshold: number | null;
  message: string;
  startedAt: Date;
  firedAt: Date | null;
};

/** Firing and acknowledged alerts, worst and oldest first: what the fleet page shows on top. */
export async function listActiveAlerts({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof activeAlertsInput>;
}): Promise<ActiveAlert[]> {
  const i = parseInput(activeAlertsInput, input);
  return db.query<ActiveAlert>(
    `SELECT a.id, r.name AS "ruleName", r.key AS "ruleKey", a.server_id AS "serverId",
            s.name AS "serverName", a.database_name AS "databaseName", a.object_key AS "objectKey",
            a.state, a.severity, a.value, a.threshold, a.message,
            a.started_at AS "startedAt", a.fired_at AS "firedAt"
       FROM alerts a
       JOIN rules r ON r.id = a.rule_id
       LEFT JOIN servers s ON s.id = a.server_id
      WHERE a.state = ANY($1::text[])
        AND ($2::bigint IS NULL OR a.server_id = $2)
        AND ($3::bigint IS NULL OR s.cluster_id = $3)
        AND ($4::text IS NULL OR a.database_name = $4)
        AND ($6::text IS NULL OR a.object_key = $6)
      ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
               coalesce(a.fired_at, a.started_at), a.id
      LIMIT $5 OFFSET $7`,
    [
      [...ACTIVE_ALERT_STATES],
      i.serverId ?? null,
      i.clusterId ?? null,
      i.databaseName ?? null,
      i.limit,
      i.objectKey ?? null,
      i.offset,
    ],
  );
}
