import type { Queryable } from '../client';
import { ValidationError } from '../errors';

/** A pooler in front of a server, as the server page and the topology show it. */
export type PoolerLink = {
  poolerId: number;
  poolerName: string;
  serverId: number;
};

/**
 * Replaces the servers a pooler fronts. Each must be a registered PostgreSQL server
 * (a pooler in front of a pooler is not a topology pgvigil draws).
 */
export async function setPoolerTargets(
  q: Queryable,
  poolerId: number,
  serverIds: readonly number[],
): Promise<void> {
  const ids = [...new Set(serverIds)];
  if (ids.length) {
    const found = await q.query<{ id: number }>(
      `SELECT id::int FROM servers WHERE id = ANY($1::bigint[]) AND kind = 'postgres' AND id <> $2`,
      [ids, poolerId],
    );
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length)
      throw new ValidationError(`Not a registered PostgreSQL server: ${missing.join(', ')}`, {
        fronts: 'list PostgreSQL servers only',
      });
  }
  await q.query('DELETE FROM pooler_targets WHERE pooler_id = $1', [poolerId]);
  if (ids.length)
    await q.query(
      `INSERT INTO pooler_targets (pooler_id, server_id) SELECT $1, unnest($2::bigint[])`,
      [poolerId, ids],
    );
}

/** The poolers in front of any of `serverIds` (a server page, a cluster's topology). */
export async function listPoolerLinks(
  q: Queryable,
  serverIds: readonly number[],
): Promise<PoolerLink[]> {
  return q.query<PoolerLink>(
    `SELECT t.pooler_id::int AS "poolerId", p.name AS "poolerName", t.server_id::int AS "serverId"
       FROM pooler_targets t JOIN servers p ON p.id = t.pooler_id
      WHERE t.server_id = ANY($1::bigint[])
      ORDER BY lower(p.name), t.server_id`,
    [[...serverIds]],
  );
}
