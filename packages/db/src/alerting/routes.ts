import { z } from 'zod';
import type { Db, Queryable } from '../client';
import { ENVIRONMENTS, RULE_KINDS, SEVERITIES } from '../domain';
import { ConflictError, NotFoundError } from '../errors';
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
  /** Alertmanager's group_wait, group_interval, repeat_interval; null: the default */
  group_wait_seconds: number | null;
  group_interval_seconds: number | null;
  repeat_interval_seconds: number | null;
  created_at: Date;
}

const COLUMNS = `id, name, position, match, channel_ids, continue, enabled, escalation_id,
  group_wait_seconds, group_interval_seconds, repeat_interval_seconds, created_at`;

const DAY = 86_400;
/** group wait, group interval, repeat interval (seconds; null: the alerter's default) */
const timing = {
  groupWaitSeconds: z.number().int().min(0).max(DAY).nullable(),
  groupIntervalSeconds: z.number().int().min(0).max(DAY).nullable(),
  repeatIntervalSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * DAY)
    .nullable(),
};

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
  groupWaitSeconds: timing.groupWaitSeconds.default(null),
  groupIntervalSeconds: timing.groupIntervalSeconds.default(null),
  repeatIntervalSeconds: timing.repeatIntervalSeconds.default(null),
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
                                      escalation_id, group_wait_seconds, group_interval_seconds,
                                      repeat_interval_seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [
      r.name,
      position,
      JSON.stringify(r.match),
      r.channelIds,
      r.continue,
      r.enabled,
      r.escalationId,
      r.groupWaitSeconds,
      r.groupIntervalSeconds,
      r.repeatIntervalSeconds,
    ],
  );
  return { ...row!, channel_ids: row!.channel_ids.map(Number) };
}

const changes = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  match: routeMatch.optional(),
  channelIds: z.array(z.number().int().positive()).min(1).optional(),
  continue: z.boolean().optional(),
  enabled: z.boolean().optional(),
  escalationId: z.number().int().positive().nullable().optional(),
  groupWaitSeconds: timing.groupWaitSeconds.optional(),
  groupIntervalSeconds: timing.groupIntervalSeconds.optional(),
  repeatIntervalSeconds: timing.repeatIntervalSeconds.optional(),
});
export type UpdateRouteInput = z.input<typeof changes>;

/** Changes what is given of a route; its place in the order stays (see `reorderRoutes`). */
export async function updateRoute(
  db: Queryable,
  id: number,
  raw: UpdateRouteInput,
): Promise<RouteRow> {
  const r = changes.parse(raw);
  if (r.channelIds) await requireChannels(db, r.channelIds, 'channelIds');
  if (r.escalationId != null) await requirePolicy(db, r.escalationId);
  const [row] = await db.query<RouteRow & Record<string, unknown>>(
    `UPDATE notification_routes SET
        name = coalesce($2, name),
        match = coalesce($3::jsonb, match),
        channel_ids = coalesce($4::bigint[], channel_ids),
        continue = coalesce($5, continue),
        enabled = coalesce($6, enabled),
        escalation_id = CASE WHEN $7 THEN $8::bigint ELSE escalation_id END,
        group_wait_seconds = CASE WHEN $9 THEN $10::int ELSE group_wait_seconds END,
        group_interval_seconds = CASE WHEN $11 THEN $12::int ELSE group_interval_seconds END,
        repeat_interval_seconds = CASE WHEN $13 THEN $14::int ELSE repeat_interval_seconds END,
        updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      r.name ?? null,
      r.match ? JSON.stringify(r.match) : null,
      r.channelIds ?? null,
      r.continue ?? null,
      r.enabled ?? null,
      r.escalationId !== undefined,
      r.escalationId ?? null,
      r.groupWaitSeconds !== undefined,
      r.groupWaitSeconds ?? null,
      r.groupIntervalSeconds !== undefined,
      r.groupIntervalSeconds ?? null,
      r.repeatIntervalSeconds !== undefined,
      r.repeatIntervalSeconds ?? null,
    ],
  );
  if (!row) throw new NotFoundError(`Route ${id}`);
  return { ...row, channel_ids: row.channel_ids.map(Number) };
}

/** Removes a route; the routes after it move up one. */
export async function deleteRoute(db: Db, id: number): Promise<{ name: string }> {
  return db.tx(async (q) => {
    const [gone] = await q.query<{ name: string; position: number }>(
      `DELETE FROM notification_routes WHERE id = $1 RETURNING name, position`,
      [id],
    );
    if (!gone) throw new NotFoundError(`Route ${id}`);
    await q.query(`UPDATE notification_routes SET position = position - 1 WHERE position > $1`, [
      gone.position,
    ]);
    return { name: gone.name };
  });
}

/**
 * Puts the routes in the order of `ids`, which must name every route once: an order
 * made from a stale list (a route added or deleted meanwhile) is refused, not guessed.
 */
export async function reorderRoutes(db: Db, ids: number[]): Promise<RouteRow[]> {
  return db.tx(async (q) => {
    // one writer at a time, so two reorders cannot interleave
    await q.query(`LOCK TABLE notification_routes IN SHARE ROW EXCLUSIVE MODE`);
    const rows = await q.query<{ id: number }>(`SELECT id FROM notification_routes`);
    const known = new Set(rows.map((r) => Number(r.id)));
    if (
      new Set(ids).size !== ids.length ||
      ids.length !== known.size ||
      ids.some((i) => !known.has(i))
    )
      throw new ConflictError(
        'The order must name every route exactly once',
        'Reload the routes: one was added or deleted meanwhile',
      );
    await q.query(
      `UPDATE notification_routes r SET position = o.n - 1, updated_at = now()
         FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n)
        WHERE r.id = o.id AND r.position <> o.n - 1`,
      [ids],
    );
    return listRoutes(q);
  });
}
