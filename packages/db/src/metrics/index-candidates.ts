import type { Queryable } from '../client';

export interface IndexCandidate {
  /** schema.table */
  table: string;
  columns: string[];
  statement: string;
  /** decimal text: 64-bit hashes */
  queryids: string[];
  verified: boolean;
  costBefore?: number;
  costAfter?: number;
  detail: string;
}

/**
 * Stores what one check of `database` proposed. A stored candidate that this check did not
 * propose again is deleted when every statement it came from was among those checked
 * (`checked`): an index was created, or the statement changed.
 */
export async function saveIndexCandidates(
  q: Queryable,
  serverId: number,
  database: string,
  checked: readonly string[],
  candidates: readonly IndexCandidate[],
  at: Date,
): Promise<void> {
  for (const c of candidates) {
    await q.query(
      `INSERT INTO index_candidates AS ic (server_id, database, table_name, columns, statement, queryids,
              verified, cost_before, cost_after, detail, found_at, checked_at)
       VALUES ($1, $2, $3, $4, $5, $6::bigint[], $7, $8, $9, $10, $11, $11)
       ON CONFLICT (server_id, database, table_name, columns) DO UPDATE
          SET statement = excluded.statement,
              queryids = ARRAY(SELECT DISTINCT unnest(ic.queryids || excluded.queryids)),
              verified = excluded.verified, cost_before = excluded.cost_before,
              cost_after = excluded.cost_after, detail = excluded.detail,
              checked_at = excluded.checked_at`,
      [
        serverId,
        database,
        c.table,
        c.columns,
        c.statement,
        c.queryids,
        c.verified,
        c.costBefore ?? null,
        c.costAfter ?? null,
        c.detail,
        at,
      ],
    );
  }
  await q.query(
    `DELETE FROM index_candidates
      WHERE server_id = $1 AND database = $2 AND checked_at < $3 AND queryids <@ $4::bigint[]`,
    [serverId, database, at, checked],
  );
}

/** The candidates of one database checked since `since`, most gain first. */
export async function listIndexCandidates(
  q: Queryable,
  serverId: number,
  database: string,
  since: Date,
): Promise<IndexCandidate[]> {
  const rows = await q.query<{
    table_name: string;
    columns: string[];
    statement: string;
    queryids: string[];
    verified: boolean;
    cost_before: number | null;
    cost_after: number | null;
    detail: string;
  }>(
    `SELECT table_name, columns, statement, queryids::text[] AS queryids, verified,
            cost_before, cost_after, detail
       FROM index_candidates
      WHERE server_id = $1 AND database = $2 AND checked_at >= $3
      ORDER BY verified DESC, cost_before - cost_after DESC NULLS LAST, table_name, columns`,
    [serverId, database, since],
  );
  return rows.map((r) => ({
    table: r.table_name,
    columns: r.columns,
    statement: r.statement,
    queryids: r.queryids,
    verified: r.verified,
    ...(r.cost_before === null ? {} : { costBefore: r.cost_before }),
    ...(r.cost_after === null ? {} : { costAfter: r.cost_after }),
    detail: r.detail,
  }));
}
