import type { LatestSample } from '@pgvigil/db/alerting';
import type { RuleDefinition } from '../rules';

/** What the cycle knows about collection, to tell "object gone" from "probe silent". */
export interface Collection {
  /** the collector beat recently */
  alive: boolean;
  /** per probe, its collection interval in seconds */
  intervalSeconds: ReadonlyMap<string, number>;
  /** per `targetKey`, the newest sample of any probe that only reports a reachable server */
  newestSample: ReadonlyMap<string, number>;
}

export const targetKey = (serverId: number | null, database: string | null) =>
  `${serverId ?? ''}\u0000${database ?? ''}`;

// written by the collector when the server cannot be reached: no proof a probe ran
const NOT_EVIDENCE = new Set(['connectivity']);

export function newestSamples(latest: readonly LatestSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of latest) {
    if (NOT_EVIDENCE.has(l.probe)) continue;
    const key = targetKey(l.server_id, l.database_name);
    out.set(key, Math.max(out.get(key) ?? 0, l.last.getTime()));
  }
  return out;
}

/**
 * The collector writes no sample when a probe returns no rows, so when the last
 * object of a per-object probe (the only invalid index, the only slot) disappears
 * its series just stops. It is gone rather than uncollected when the collector kept
 * collecting the same server and database for two of the probe's intervals after
 * the object's last row (`lastRowAt`; null when no row is left in the lookback, then
 * collection must simply be current). A probe that fails on its own shows up as
 * `metrics_stale`.
 */
export function objectGone(
  c: Collection | undefined,
  def: RuleDefinition,
  target: { serverId: number | null; database: string | null },
  lastRowAt: number | null,
  at: Date,
): boolean {
  if (!c?.alive || !def.source.objectKeys?.length || target.serverId === null) return false;
  const interval = c.intervalSeconds.get(def.source.probe);
  const newest = c.newestSample.get(targetKey(target.serverId, target.database));
  if (interval === undefined || newest === undefined) return false;
  const after =
    lastRowAt === null ? at.getTime() - interval * 1000 : lastRowAt + 2 * interval * 1000;
  return newest >= after;
}
