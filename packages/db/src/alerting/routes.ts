import { z } from 'zod';
import type { Queryable } from '../client';
import { ENVIRONMENTS, RULE_KINDS, SEVERITIES } from '../domain';
import { requireChannels, requirePolicy } from './escalations';

/** What a route matches; every list given must contain the alert's value (AND across lists). */
export const routeMatch = z.strictObject({
  environments: z.array(z.enum(ENVIRONMENTS)).optional(),
  clusterIds: z.array(z.number().int().positive()).optional(),
  /** the server carries every one of these tags */
  serverTags: z.array(z.string().trim().min(1).max(100)).optional(),
  severities: z.array(z.enum(SEVERITIES)).optional(),
  /** rule keys */
  rules: z.array(z.string().trim().min(1).max(100)).optional(),
  ruleKinds: z.array(z.enum(RULE_KINDS)).optional(),
});
export type RouteMatch = z.output<typeof routeMatch>;

export interface RouteRow {
  id: number;
  name: string;
  position: number;
  match: RouteMatch;
  channel_ids: number[];
  continue: boolean;
  enabled: boolean;
  /** the escalation policy its alerts follow while firing */
  escalation_id: number | null;
  created_at: Date;
}

const COLUMNS =
  'id, name, position, match, channel_ids, continue, enabled, escalation_id, created_at';

/** Routes in the order they are tried. */
export async function listRoutes(db: Queryable): Promise<RouteRow[]> {
  const rows = await db.query<RouteRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM notification_routes ORDER BY position, id`,
  );
  // bigint[] arrives as text
  return rows.map((r) => ({ ...r, channel_ids: r.channel_ids.map(Number) }));
}

const input = z.object({
  name: z.string().trim().min(1).max(100),
  match: routeMatch.default({}),
  channelIds: z.array(z.number().int().positive()).min(1),
  continue: z.boolean().default(false),
  enabled: z.boolean().default(true),
  escalationId: z.number().int().positive().nullable().default(null),
  /** where to insert it (0 = first); default last */
  position: z.number().int().min(0).optional(),
});
export type CreateRouteInput = z.input<typeof input>;

/** Adds a route; the routes at and after `position` move down one. */
export async function createRoute(db: Queryable, raw: CreateRouteInput): Promise<RouteRow> {
  const r = input.parse(raw);
  await requireChannels(db, r.channelIds, 'channelIds');
  if (r.escalationId !== null) await requirePolicy(db, r.escalationId);
  const [{ n }] = (await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification_routes`,
  )) as [{ n: number }];
  const position = Math.min(r.position ?? n, n);
  await db.query(`UPDATE notification_routes SET position = position + 1 WHERE position >= $1`, [
    position,
  ]);
  const [row] = await db.query<RouteRow & Record<string, unknown>>(
    `INSERT INTO notification_routes (name, position, match, channel_ids, continue, enabled,
                                      escalation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      r.name,
      position,
      JSON.stringify(r.match),
      r.channelIds,
      r.continue,
      r.enabled,
      r.escalationId,
    ],
  );
  return { ...row!, channel_ids: row!.channel_ids.map(Number) };
}
