import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest, type LatestRow } from '../metrics';

export type KeyRates = {
  tps: number | null;
  connectionsUsedPct: number | null;
  cacheHitPct: number | null;
};

async function latest(
  db: Queryable,
  probe: string,
  serverIds: number[],
  at: Date,
): Promise<LatestRow[]> {
  try {
    return await readLatest(db, { probe, serverIds, at });
  } catch (err) {
    // A probe never collected anywhere yet: no numbers, not an error.
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}

/** The fleet page's numbers per server, from the newest samples: two indexed reads per page. */
export async function keyRates(
  db: Queryable,
  serverIds: number[],
  at: Date,
): Promise<Map<number, KeyRates>> {
  const out = new Map<number, KeyRates>();
  if (serverIds.length === 0) return out;
  const [stats, activity] = await Promise.all([
    latest(db, 'database_stats', serverIds, at),
    latest(db, 'activity_extremes', serverIds, at),
  ]);
  const get = (id: number) => {
    const v = out.get(id) ?? { tps: null, connectionsUsedPct: null, cacheHitPct: null };
    out.set(id, v);
    return v;
  };
  const hits = new Map<number, { hit: number; read: number }>();
  for (const r of stats) {
    const v = get(r.serverId);
    const commits = r.rates.xact_commit;
    const rollbacks = r.rates.xact_rollback;
    if (commits != null) v.tps = (v.tps ?? 0) + commits + (rollbacks ?? 0);
    if (r.rates.blks_hit != null && r.rates.blks_read != null) {
      const h = hits.get(r.serverId) ?? { hit: 0, read: 0 };
      h.hit += r.rates.blks_hit;
      h.read += r.rates.blks_read;
      hits.set(r.serverId, h);
    }
  }
  for (const [id, h] of hits) {
    if (h.hit + h.read > 0) get(id).cacheHitPct = (100 * h.hit) / (h.hit + h.read);
  }
  for (const r of activity) {
    const pct = r.values.connections_used_pct;
    if (typeof pct === 'number') get(r.serverId).connectionsUsedPct = pct;
  }
  return out;
}
