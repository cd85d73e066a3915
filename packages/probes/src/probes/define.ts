import type { ProbeDefinition } from '../types';

export const V14 = 140000;
export const V15 = 150000;
export const V16 = 160000;
export const V17 = 170000;
export const V18 = 180000;

type Defaults = 'changeTracked' | 'minServerVersion' | 'retentionDays';

/** A probe with the usual defaults: 14+, 14 days of raw samples, not change-tracked. */
export function defineProbe(
  def: Omit<ProbeDefinition, Defaults> & Partial<Pick<ProbeDefinition, Defaults>>,
): ProbeDefinition {
  return { changeTracked: false, minServerVersion: V14, retentionDays: 14, ...def };
}

/**
 * `locked`: relations of this database that a session holds or waits for in ACCESS EXCLUSIVE
 * mode (ALTER TABLE, VACUUM FULL, REINDEX, DROP, LOCK TABLE). Any lock on them would wait, so
 * probes that read relation files (pg_relation_size and friends) take those relations' sizes
 * from pg_class instead and say so. `reason` is what the row's `skipped` column carries.
 */
export const LOCKED_CTE = `locked AS (
  SELECT relation AS oid,
         format('AccessExclusiveLock %s by pid %s: exact size skipped, pg_class estimate',
                CASE WHEN bool_or(granted) THEN 'held' ELSE 'awaited' END,
                coalesce(min(pid) FILTER (WHERE granted), min(pid))) AS reason
    FROM pg_locks
   WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock'
     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
   GROUP BY relation
)`;
