import { z } from 'zod';
import type { Queryable } from '../client';
import { EVENT_KINDS, type EventKind } from '../domain';
import { ValidationError } from '../errors';

/** A marker from outside pgvigil (a deploy...): on the timeline of the alerts after it. */
export interface EventRow {
  id: number;
  at: Date;
  kind: EventKind;
  title: string;
  details: string | null;
  server_id: number | null;
  cluster_id: number | null;
  created_by: number | null;
  created_at: Date;
}

const COLUMNS = 'id, at, kind, title, details, server_id, cluster_id, created_by, created_at';

export const eventInput = z.strictObject({
  /** when it happened; default: now */
  at: z.coerce.date().optional(),
  kind: z.enum(EVENT_KINDS).default('deploy'),
  title: z.string().trim().min(1).max(500),
  details: z.string().max(10_000).optional(),
  /** the server it concerns; neither server nor cluster: every server */
  serverId: z.number().int().positive().optional(),
  clusterId: z.number().int().positive().optional(),
});
export type EventInput = z.input<typeof eventInput>;

/** Records a marker; an unknown server or cluster is a ValidationError naming the field. */
export async function createEvent(
  db: Queryable,
  raw: EventInput,
  by: { userId: number | null; at: Date },
): Promise<EventRow> {
  const e = eventInput.parse(raw);
  for (const [field, table, value] of [
    ['serverId', 'servers', e.serverId],
    ['clusterId', 'clusters', e.clusterId],
  ] as const) {
    if (value === undefined) continue;
    const found = await db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [value]);
    if (!found.length)
      throw new ValidationError(`No ${table.slice(0, -1)} ${value}`, { [field]: 'not found' });
  }
  const [row] = await db.query<EventRow & Record<string, unknown>>(
    `INSERT INTO events (at, kind, title, details, server_id, cluster_id, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      e.at ?? by.at,
      e.kind,
      e.title,
      e.details ?? null,
      e.serverId ?? null,
      e.clusterId ?? null,
      by.userId,
    ],
  );
  return row!;
}

/**
 * Markers in [from, to] that concern a server: its own, its cluster's, and those
 * naming neither (fleet-wide). Without a server: every marker in the window.
 */
export async function listEvents(
  db: Queryable,
  q: { from: Date; to: Date; serverId?: number; clusterId?: number | null; limit?: number },
): Promise<EventRow[]> {
  return db.query<EventRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM events
      WHERE at >= $1 AND at <= $2
        AND ($3::bigint IS NULL
             OR server_id = $3
             OR cluster_id = $4
             OR (server_id IS NULL AND cluster_id IS NULL))
      ORDER BY at, id LIMIT $5`,
    [q.from, q.to, q.serverId ?? null, q.clusterId ?? null, q.limit ?? 200],
  );
}
