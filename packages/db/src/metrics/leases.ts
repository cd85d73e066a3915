import type { ServerKind } from '@pgvigil/schema';
import type { Db } from '../client';

export interface LeaseOptions {
  collectorId: string;
  /** the collector's clock */
  at: Date;
  /** a lease not renewed for this long may be taken by another collector */
  ttlSeconds: number;
  /** a collector whose heartbeat is older than this is not counted when sharing */
  liveSeconds?: number;
}

export interface LeasedServer {
  serverId: number;
  clusterId: number | null;
  /** a PostgreSQL server or a pooler: which probes its worker runs */
  kind: ServerKind;
  /** servers.updated_at: a change means the worker must reload its settings */
  updatedAt: Date;
}

/**
 * One lease round for a collector, in one transaction: renew its leases, drop those
 * of disabled servers, then move towards an even share of the enabled servers among
 * live collectors (heartbeats): claim free or expired servers with FOR UPDATE SKIP
 * LOCKED when under the share, release the surplus when over it. Returns the
 * servers this collector now holds.
 */
export async function syncLeases(db: Db, options: LeaseOptions): Promise<LeasedServer[]> {
  const { collectorId, at, ttlSeconds } = options;
  const expires = new Date(at.getTime() + ttlSeconds * 1000);
  const liveSince = new Date(at.getTime() - (options.liveSeconds ?? 30) * 1000);
  return db.tx(async (q) => {
    await q.query(
      `DELETE FROM collector_leases l USING servers s
        WHERE l.server_id = s.id AND l.collector_id = $1 AND NOT s.enabled`,
      [collectorId],
    );
    await q.query('UPDATE collector_leases SET expires_at = $2 WHERE collector_id = $1', [
      collectorId,
      expires,
    ]);
    const counts = await q.query<{ enabled: number; live: number; held: number }>(
      `SELECT (SELECT count(*)::int FROM servers WHERE enabled) AS enabled,
              (SELECT count(DISTINCT instance_id)::int FROM heartbeats
                WHERE component = 'collector' AND last_seen_at >= $2 AND instance_id <> $1) + 1 AS live,
              (SELECT count(*)::int FROM collector_leases WHERE collector_id = $1) AS held`,
      [collectorId, liveSince],
    );
    const { enabled = 0, live = 1, held = 0 } = counts[0] ?? {};
    const share = Math.ceil(enabled / Math.max(live, 1));
    if (held < share) {
      await q.query(
        `WITH free AS (
           SELECT s.id FROM servers s
            WHERE s.enabled AND NOT EXISTS (
                    SELECT 1 FROM collector_leases l WHERE l.server_id = s.id AND l.expires_at >= $2)
            ORDER BY s.id LIMIT $4
              FOR UPDATE OF s SKIP LOCKED
         )
         INSERT INTO collector_leases (server_id, collector_id, acquired_at, expires_at)
         SELECT id, $1, $2, $3 FROM free
         ON CONFLICT (server_id) DO UPDATE
           SET collector_id = EXCLUDED.collector_id, acquired_at = EXCLUDED.acquired_at,
               expires_at = EXCLUDED.expires_at
         WHERE collector_leases.expires_at < $2`,
        [collectorId, at, expires, share - held],
      );
    } else if (held > share) {
      await q.query(
        `DELETE FROM collector_leases WHERE server_id IN (
           SELECT server_id FROM collector_leases WHERE collector_id = $1
            ORDER BY server_id DESC LIMIT $2)`,
        [collectorId, held - share],
      );
    }
    return q.query<LeasedServer & Record<string, unknown>>(
      `SELECT l.server_id AS "serverId", s.cluster_id AS "clusterId", s.kind, s.updated_at AS "updatedAt"
         FROM collector_leases l JOIN servers s ON s.id = l.server_id
        WHERE l.collector_id = $1 ORDER BY l.server_id`,
      [collectorId],
    );
  });
}

/** Gives up every lease of a collector that is shutting down cleanly. */
export async function releaseLeases(db: Db, collectorId: string): Promise<void> {
  await db.query('DELETE FROM collector_leases WHERE collector_id = $1', [collectorId]);
}
