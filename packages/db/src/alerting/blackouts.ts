import { z } from 'zod';
import type { Queryable } from '../client';
import { BLACKOUT_SCOPES, type BlackoutScope } from '../domain';
import { NotFoundError } from '../errors';

export interface BlackoutRow {
  id: number;
  name: string;
  scope_type: BlackoutScope;
  scope_id: number | null;
  database_name: string | null;
  cron: string | null;
  duration_minutes: number | null;
  timezone: string;
  starts_at: Date | null;
  ends_at: Date | null;
  enabled: boolean;
}

const COLUMNS = `id, name, scope_type, scope_id, database_name, cron, duration_minutes, timezone,
                 starts_at, ends_at, enabled`;

export async function listBlackouts(db: Queryable): Promise<BlackoutRow[]> {
  return db.query<BlackoutRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM blackouts ORDER BY name, id`,
  );
}

export const blackoutInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopeType: z.enum(BLACKOUT_SCOPES),
    scopeId: z.number().int().positive().nullable().default(null),
    databaseName: z.string().min(1).nullable().default(null),
    cron: z.string().min(1).max(200).nullable().default(null),
    durationMinutes: z
      .number()
      .int()
      .positive()
      .max(7 * 1440)
      .nullable()
      .default(null),
    timezone: z.string().min(1).default('UTC'),
    startsAt: z.coerce.date().nullable().default(null),
    endsAt: z.coerce.date().nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .refine((b) => (b.scopeType === 'global') === (b.scopeId === null), {
    path: ['scopeId'],
    message: 'required for cluster, server and database scopes; empty for global',
  })
  .refine((b) => (b.scopeType === 'database') === (b.databaseName !== null), {
    path: ['databaseName'],
    message: 'required for database scope only',
  })
  .refine(
    (b) =>
      (b.cron !== null && b.durationMinutes !== null) ||
      (b.startsAt !== null && b.endsAt !== null && b.endsAt > b.startsAt),
    { path: ['cron'], message: 'give cron + durationMinutes, or startsAt < endsAt' },
  );
export type CreateBlackoutInput = z.input<typeof blackoutInput>;

/** Stores a blackout; cron and timezone were checked by the caller's parser. */
export async function createBlackout(
  db: Queryable,
  raw: CreateBlackoutInput,
): Promise<BlackoutRow> {
  const b = blackoutInput.parse(raw);
  const [row] = await db.query<BlackoutRow & Record<string, unknown>>(
    `INSERT INTO blackouts (name, scope_type, scope_id, database_name, cron, duration_minutes,
                            timezone, starts_at, ends_at, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [
      b.name,
      b.scopeType,
      b.scopeId,
      b.databaseName,
      b.cron,
      b.durationMinutes,
      b.timezone,
      b.startsAt,
      b.endsAt,
      b.enabled,
    ],
  );
  return row!;
}

/** Replaces the schedule and the switch of a blackout, keeping its name and scope. */
export async function replaceBlackoutSchedule(
  db: Queryable,
  id: number,
  b: Pick<BlackoutRow, 'database_name' | 'cron' | 'duration_minutes' | 'timezone' | 'enabled'> & {
    /** a Date or an ISO 8601 timestamp */
    starts_at: Date | string | null;
    ends_at: Date | string | null;
  },
): Promise<void> {
  await db.query(
    `UPDATE blackouts SET database_name = $2, cron = $3, duration_minutes = $4, timezone = $5,
                          starts_at = $6, ends_at = $7, enabled = $8
      WHERE id = $1`,
    [
      id,
      b.database_name,
      b.cron,
      b.duration_minutes,
      b.timezone,
      b.starts_at,
      b.ends_at,
      b.enabled,
    ],
  );
}

export async function deleteBlackout(db: Queryable, id: number): Promise<void> {
  const rows = await db.query(`DELETE FROM blackouts WHERE id = $1 RETURNING id`, [id]);
  if (rows.length === 0) throw new NotFoundError(`Blackout ${id}`);
}
