import type { ProbeClient } from '../run-probe';

/** One statement's predicates on one table as pg_qualstats sampled them while it ran. */
export interface QualstatsPredicates {
  queryid: string;
  /** pg_class oid of the table, as text */
  relid: string;
  /** equality columns first, most selective first, then the most selective range column */
  columns: string[];
  /** `column op` per column, e.g. `customer_id =` */
  quals: string[];
  /** fewest rows kept by one of the columns' filters: 0.001 is 0.1 % */
  selectivity: number;
  /** executions of the statement in which the predicates were sampled */
  executions: number;
}

const EQUALITY = '=';
const RANGE = new Set(['<', '<=', '>', '>=']);

/**
 * pg_qualstats' predicates of `queryids` in the connected database: a column of a table
 * compared with a constant or parameter by =, <, <=, >, >= and evaluated as a filter
 * ('f': after the rows were read, which an index would spare). Its view keeps the
 * current database only; execution_count is rows the predicate was evaluated on,
 * nbfiltered the rows it discarded.
 */
export async function qualstatsPredicates(
  client: ProbeClient,
  queryids: readonly string[],
): Promise<QualstatsPredicates[]> {
  if (queryids.length === 0) return [];
  const r = await client.query(
    `SELECT /* pgvigil:advice */ q.queryid::text AS queryid, q.lrelid::text AS relid,
            a.attname::text AS attname, o.oprname::text AS op,
            sum(q.occurences)::float8 AS executions,
            1 - sum(q.nbfiltered)::float8 / nullif(sum(q.execution_count), 0) AS selectivity
       FROM pg_qualstats q
       JOIN pg_attribute a ON a.attrelid = q.lrelid AND a.attnum = q.lattnum
       JOIN pg_operator o ON o.oid = q.opno
      WHERE q.queryid::text = ANY ($1::text[]) AND q.lrelid IS NOT NULL AND q.rrelid IS NULL
        AND q.eval_type = 'f' AND o.oprname IN ('=', '<', '<=', '>', '>=')
      GROUP BY 1, 2, 3, 4`,
    [queryids],
  );
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of r.rows) {
    const key = `${String(row.queryid)}:${String(row.relid)}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const out: QualstatsPredicates[] = [];
  for (const rows of groups.values()) {
    const sel = (x: Record<string, unknown>) => Number(x.selectivity ?? 1);
    const bySelectivity = [...rows].sort((a, b) => sel(a) - sel(b));
    const equality = bySelectivity.filter((x) => x.op === EQUALITY);
    const range = bySelectivity.find(
      (x) => RANGE.has(String(x.op)) && !equality.some((e) => e.attname === x.attname),
    );
    const picked = [
      ...new Map([...equality, ...(range ? [range] : [])].map((x) => [x.attname, x])).values(),
    ];
    if (picked.length === 0) continue;
    out.push({
      queryid: String(rows[0]!.queryid),
      relid: String(rows[0]!.relid),
      columns: picked.map((x) => String(x.attname)),
      quals: picked.map((x) => `${String(x.attname)} ${String(x.op)}`),
      selectivity: Math.min(...picked.map(sel)),
      executions: Math.max(...picked.map((x) => Number(x.executions))),
    });
  }
  return out;
}
