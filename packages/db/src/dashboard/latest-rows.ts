import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest, type LatestRow } from '../metrics';

/**
 * The newest sample of a database-scope probe for one database, or no rows when
 * the probe was never collected: pages show an empty state, not an error.
 */
export async function latestRows(
  db: Queryable,
  probe: string,
  serverId: number,
  database: string,
  at: Date,
): Promise<LatestRow[]> {
  try {
    return await readLatest(db, { probe, serverIds: [serverId], database, at });
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}

export const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
export const date = (v: unknown): Date | null => (v instanceof Date ? v : null);
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** `schema.name`, as the alerter writes alerts.object_key. */
export const objectKey = (schema: string, name: string) => `${schema}.${name}`;
