import { z } from 'zod';
import type { Queryable } from '../client';
import { ALERT_STATES, SEVERITIES, type AlertState } from '../domain';
import { NotFoundError } from '../errors';
import { ALERT_COLUMNS, type AlertRow } from './alerts';

export interface AlertListItem extends AlertRow {
  rule_key: string;
  rule_name: string;
  server_name: string | null;
  /**
   * the unit of value and threshold (bytes, seconds, percent, per_second, ...): a
   * built-in rule's from its catalog entry; null for custom rules, whose unit follows
   * their probe column (the web and API fill it in)
   */
  unit: string | null;
  /** the server whose outage holds this alert (suppression by dependency) */
  held_by_server_name: string | null;
}

const filters = z.object({
  states: z.array(z.enum(ALERT_STATES)).optional(),
  severities: z.array(z.enum(SEVERITIES)).optional(),
  serverId: z.number().int().positive().optional(),
  ruleId: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
});
export type ListAlertsInput = z.input<typeof filters>;

const SELECT = `SELECT ${ALERT_COLUMNS.split(',')
  .map((c) => `a.${c.trim()}`)
  .join(', ')}, r.key AS rule_key, r.name AS rule_name, s.name AS server_name,
  r.definition->>'unit' AS unit, hs.name AS held_by_server_name
  FROM alerts a JOIN rules r ON r.id = a.rule_id LEFT JOIN servers s ON s.id = a.server_id
  LEFT JOIN servers hs ON hs.id = a.held_by_server_id`;

/** Alerts for the UI and API, newest activity first; `ok` rows (unconfirmed) are left out. */
export async function listAlerts(
  db: Queryable,
  raw: ListAlertsInput = {},
): Promise<AlertListItem[]> {
  const f = filters.parse(raw);
  return db.query<AlertListItem & Record<string, unknown>>(
    `${SELECT}
      WHERE a.state <> 'ok'
        AND ($1::text[] IS NULL OR a.state = ANY($1))
        AND ($2::text[] IS NULL OR a.severity = ANY($2))
        AND ($3::bigint IS NULL OR a.server_id = $3)
        AND ($4::bigint IS NULL OR a.rule_id = $4)
      ORDER BY a.updated_at DESC, a.id DESC LIMIT $5 OFFSET $6`,
    [
      f.states ?? null,
      f.severities ?? null,
      f.serverId ?? null,
      f.ruleId ?? null,
      f.limit,
      f.offset,
    ],
  );
}

export interface AlertEventRow {
  id: number;
  at: Date;
  from_state: AlertState | null;
  to_state: AlertState;
  severity: string | null;
  value: number | null;
  reason: string;
}

export async function getAlert(
  db: Queryable,
  id: number,
): Promise<AlertListItem & { events: AlertEventRow[] }> {
  const [alert] = await db.query<AlertListItem & Record<string, unknown>>(
    `${SELECT} WHERE a.id = $1`,
    [id],
  );
  if (!alert) throw new NotFoundError(`Alert ${id}`);
  const events = await db.query<AlertEventRow & Record<string, unknown>>(
    `SELECT id, at, from_state, to_state, severity, value, reason FROM alert_events
      WHERE alert_id = $1 ORDER BY at, id`,
    [id],
  );
  return { ...alert, events };
}
