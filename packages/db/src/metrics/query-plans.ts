import type { PlanSource } from '@pgvigil/schema';
import type { Queryable } from '../client';

export interface CapturedPlan {
  /** decimal text: a 64-bit hash */
  queryid: string;
  fingerprint: string;
  source: PlanSource;
  database: string;
  plan: unknown;
}

/**
 * Stores captured plans change-tracked: a new row when the fingerprint differs from the
 * newest stored plan of the statement (the time of the change), else only last_seen
 * moves. Returns the queryids whose plan changed (not those seen for the first time).
 */
export async function saveQueryPlans(
  q: Queryable,
  serverId: number,
  plans: readonly CapturedPlan[],
  at: Date,
): Promise<string[]> {
  const changed: string[] = [];
  for (const p of plans) {
    const [row] = await q.query<{ inserted: boolean; previous: string | null }>(
      `WITH latest AS (
         SELECT captured_at, fingerprint FROM query_plans
          WHERE server_id = $1 AND queryid = $2::bigint
          ORDER BY captured_at DESC LIMIT 1
       ), touched AS (
         UPDATE query_plans p SET last_seen = greatest(p.last_seen, $3)
           FROM latest l
          WHERE p.server_id = $1 AND p.queryid = $2::bigint
            AND p.captured_at = l.captured_at AND l.fingerprint = $4
         RETURNING 1
       ), added AS (
         INSERT INTO query_plans (server_id, queryid, captured_at, last_seen, fingerprint, source, database, plan)
         SELECT $1, $2::bigint, $3, $3, $4, $5, $6, $7::jsonb
          WHERE NOT EXISTS (SELECT 1 FROM touched)
         ON CONFLICT DO NOTHING
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM added) AS inserted, (SELECT fingerprint FROM latest) AS previous`,
      [serverId, p.queryid, at, p.fingerprint, p.source, p.database, JSON.stringify(p.plan)],
    );
    if (row?.inserted && row.previous !== null) changed.push(p.queryid);
  }
  return changed;
}
