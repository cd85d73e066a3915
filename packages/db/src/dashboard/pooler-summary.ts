import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { readLatest } from '../metrics';

/** A pooler's own numbers for the fleet list, from its newest `pgbouncer_pools` sample. */
export type PoolerSummary = {
  pools: number;
  clientsActive: number;
  clientsWaiting: number;
  /** the longest wait of a queued client, in seconds */
  maxWaitSeconds: number | null;
  /** the busiest pool's open server connections over its pool size */
  utilisationPct: number | null;
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const max = (a: number | null, b: number | null) =>
  a === null ? b : b === null ? a : Math.max(a, b);

export async function poolerSummaries(
  db: Queryable,
  serverIds: number[],
  at: Date,
): Promise<Map<number, PoolerSummary>> {
  const out = new Map<number, PoolerSummary>();
  if (serverIds.length === 0) return out;
  let rows;
  try {
    rows = await readLatest(db, {
      probe: 'pgbouncer_pools',
      serverIds,
      at,
      columns: ['cl_active', 'cl_waiting', 'maxwait_seconds', 'utilisation_pct'],
    });
  } catch (err) {
    if (err instanceof NotFoundError) return out;
    throw err;
  }
  for (const r of rows) {
    const s = out.get(r.serverId) ?? {
      pools: 0,
      clientsActive: 0,
      clientsWaiting: 0,
      maxWaitSeconds: null,
      utilisationPct: null,
    };
    s.pools++;
    s.clientsActive += num(r.values.cl_active) ?? 0;
    s.clientsWaiting += num(r.values.cl_waiting) ?? 0;
    s.maxWaitSeconds = max(s.maxWaitSeconds, num(r.values.maxwait_seconds));
    s.utilisationPct = max(s.utilisationPct, num(r.values.utilisation_pct));
    out.set(r.serverId, s);
  }
  return out;
}
