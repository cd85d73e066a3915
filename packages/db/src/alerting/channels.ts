import { z } from 'zod';
import type { Queryable } from '../client';
import { CHANNEL_TYPES, SEVERITIES, type ChannelType, type Severity } from '../domain';
import { NotFoundError } from '../errors';

export interface ChannelRow {
  id: number;
  name: string;
  type: ChannelType;
  /** safe to show */
  config: Record<string, unknown>;
  min_severity: Severity;
  filters: { clusterIds?: number[]; environments?: string[] };
  enabled: boolean;
  created_at: Date;
}
/** Only the alerter's delivery reads this: it holds the sealed secret. */
export interface ChannelWithSecret extends ChannelRow {
  secret_enc: string | null;
}

const COLUMNS = 'id, name, type, config, min_severity, filters, enabled, created_at';

export async function listChannels(db: Queryable): Promise<ChannelRow[]> {
  return db.query<ChannelRow & Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM channels ORDER BY lower(name)`,
  );
}

export async function listChannelsWithSecrets(db: Queryable): Promise<ChannelWithSecret[]> {
  return db.query<ChannelWithSecret & Record<string, unknown>>(
    `SELECT ${COLUMNS}, secret_enc FROM channels ORDER BY id`,
  );
}

export async function getChannelWithSecret(db: Queryable, id: number): Promise<ChannelWithSecret> {
  const [row] = await db.query<ChannelWithSecret & Record<string, unknown>>(
    `SELECT ${COLUMNS}, secret_enc FROM channels WHERE id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError(`Channel ${id}`);
  return row;
}

const input = z.object({
  name: z.string().trim().min(1).max(100),
  type: z.enum(CHANNEL_TYPES),
  config: z.record(z.string(), z.unknown()),
  /** already sealed by the caller with the secret box (context 'channels.secret') */
  secretEnc: z.string().nullable(),
  minSeverity: z.enum(SEVERITIES).default('warning'),
  filters: z
    .object({
      clusterIds: z.array(z.number().int().positive()).optional(),
      environments: z.array(z.string()).optional(),
    })
    .default({}),
  enabled: z.boolean().default(true),
});
export type CreateChannelInput = z.input<typeof input>;

export async function createChannel(db: Queryable, raw: CreateChannelInput): Promise<ChannelRow> {
  const c = input.parse(raw);
  const [row] = await db.query<ChannelRow & Record<string, unknown>>(
    `INSERT INTO channels (name, type, config, secret_enc, min_severity, filters, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      c.name,
      c.type,
      JSON.stringify(c.config),
      c.secretEnc,
      c.minSeverity,
      JSON.stringify(c.filters),
      c.enabled,
    ],
  );
  return row!;
}

/**
 * Replaces a channel's settings in place (routes and alerts keep pointing at it); a null
 * `secretEnc` keeps the stored secret.
 */
export async function replaceChannel(
  db: Queryable,
  id: number,
  raw: CreateChannelInput,
): Promise<void> {
  const c = input.parse(raw);
  await db.query(
    `UPDATE channels SET name = $2, type = $3, config = $4, min_severity = $5, filters = $6,
                         enabled = $7, secret_enc = coalesce($8, secret_enc)
      WHERE id = $1`,
    [
      id,
      c.name,
      c.type,
      JSON.stringify(c.config),
      c.minSeverity,
      JSON.stringify(c.filters),
      c.enabled,
      c.secretEnc,
    ],
  );
}

export async function deleteChannel(db: Queryable, id: number): Promise<void> {
  const rows = await db.query(`DELETE FROM channels WHERE id = $1 RETURNING id`, [id]);
  if (rows.length === 0) throw new NotFoundError(`Channel ${id}`);
}
