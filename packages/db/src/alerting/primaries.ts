import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest } from '../metrics/read-latest';
import { getMetricCatalog } from '../metrics/catalog';

/** a primary that went down a day ago is still known as one */
const REMEMBER_SECONDS = 86_400;

/**
 * The servers whose newest `wal_receiver` sample of the last day says they are not in
 * recovery: primaries. Suppression by dependency holds the replication alerts of the
 * other members of a primary's cluster while it is down; the newest sample is then
 * the one before the outage, so the role is the one it had when it went down.
 */
export async function knownPrimaries(
  db: Queryable,
  serverIds: number[],
  at: Date,
): Promise<Set<number>> {
  if (serverIds.length === 0) return new Set();
  const read = (ids: number[], maxAgeSeconds?: number) =>
    readLatest(db, {
      probe: 'wal_receiver',
      serverIds: ids,
      at,
      columns: ['in_recovery'],
      ...(maxAgeSeconds ? { maxAgeSeconds } : {}),
    });
  try {
    // the recent samples first; a day back only for servers without one (down ones),
    // so a fleet's cycle does not rank a day of samples of every server
    const rows = await read(serverIds);
    const seen = new Set(rows.map((r) => r.serverId));
    const missing = serverIds.filter((id) => !seen.has(id));
    if (missing.length) rows.push(...(await read(missing, REMEMBER_SECONDS)));
    return new Set(rows.filter((r) => r.values.in_recovery === false).map((r) => r.serverId));
  } catch (err) {
    // no wal_receiver table yet (nothing collected): no primary known
    if (err instanceof NotFoundError) return new Set();
    throw err;
  }
}

export interface ServerRoleChange {
  serverId: number;
  role: 'primary' | 'standby';
  lastBefore: Date;
  since: Date;
}

/**
 * Per server whose `wal_receiver` samples of the last day changed in_recovery: the role
 * it has now, its last sample in the role before and its first in the new one. The
 * alerter resolves what ended with the move (a demoted primary's walsender rows) rather
 * than calling it missing data.
 */
export async function recentRoleChanges(
  db: Queryable,
  serverIds: number[],
  at: Date,
): Promise<ServerRoleChange[]> {
  if (serverIds.length === 0) return [];
  try {
    await getMetricCatalog(db, 'wal_receiver');
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  const rows = await db.query<{
    server_id: number;
    in_recovery: boolean;
    last_before: Date;
    since: Date;
  }>(
    `WITH recent AS (
       SELECT server_id, collected_at, in_recovery FROM metrics.wal_receiver
        WHERE server_id = ANY($1) AND collected_at > $2::timestamptz - interval '1 day'
          AND collected_at <= $2 AND in_recovery IS NOT NULL),
     now_role AS (
       SELECT DISTINCT ON (server_id) server_id, in_recovery FROM recent
        ORDER BY server_id, collected_at DESC),
     before AS (
       SELECT r.server_id, n.in_recovery, max(r.collected_at) AS last_before
         FROM recent r JOIN now_role n USING (server_id)
        WHERE r.in_recovery <> n.in_recovery GROUP BY r.server_id, n.in_recovery)
     SELECT b.server_id, b.in_recovery, b.last_before,
            (SELECT min(collected_at) FROM recent r
              WHERE r.server_id = b.server_id AND r.collected_at > b.last_before) AS since
       FROM before b`,
    [serverIds, at],
  );
  return rows.map((r) => ({
    serverId: r.server_id,
    role: r.in_recovery ? 'standby' : 'primary',
    lastBefore: r.last_before,
    since: r.since,
  }));
}
