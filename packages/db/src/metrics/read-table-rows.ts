import type { Queryable } from '../client';
import { ident } from '../client';

/** One row of a metric table (raw or rollup) with the asked columns as JSON values. */
export interface MetricTableRow {
  server_id: number;
  collected_at: Date;
  database_name: string | null;
  values: Record<string, unknown>;
}

/** The columns `metrics.<table>` has now; empty when the table does not exist yet. */
export async function metricTableColumns(db: Queryable, table: string): Promise<Set<string>> {
  const present = await db.query<{ attname: string }>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = to_regclass('metrics.' || quote_ident($1)) AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  return new Set(present.map((p) => p.attname));
}

// 64-bit hashes (pg_stat_statements' queryid) go past what a JSON number parses to
// exactly: as text they stay the statement's id in alert objects and links.
const EXACT_TEXT_COLUMNS = new Set(['queryid']);
const jsonValue = (c: string) => (EXACT_TEXT_COLUMNS.has(c) ? `${ident(c)}::text` : ident(c));

/**
 * Rows of `metrics.<table>` for some servers in a window, oldest first, with only
 * `columns` (plus database_name when the table has it). A table that does not exist
 * yet yields nothing, and a column it lacks is absent from `values`. `window` says
 * which end is inclusive: raw samples are read as (from, to], rollup buckets by
 * their start as [from, to). Names are validated by the callers.
 */
export async function readTableRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  serverIds: readonly number[],
  window: { from: Date; to: Date; inclusive: 'start' | 'end' },
  /** at most this many rows (oldest first); unbounded when absent */
  limit?: number,
): Promise<MetricTableRow[]> {
  const have = await metricTableColumns(db, table);
  const wanted = columns.filter((c) => have.has(c));
  if (!have.has('server_id') || wanted.length === 0) return [];
  const dbCol = have.has('database_name') ? 'database_name' : 'NULL::text';
  const bounds =
    window.inclusive === 'start'
      ? 'collected_at >= $2 AND collected_at < $3'
      : 'collected_at > $2 AND collected_at <= $3';
  // epoch milliseconds: a number parses far faster than a timestamp's text, which
  // counts when the alerter reads weeks of a fleet's rollups
  const rows = await db.query<{
    server_id: number;
    t: number;
    database_name: string | null;
    v: Record<string, unknown>;
  }>(
    `SELECT server_id, (extract(epoch FROM collected_at) * 1000)::float8 AS t, ${dbCol} AS database_name,
            jsonb_build_object(${wanted.map((c, i) => `$${i + 4}::text, ${jsonValue(c)}`).join(', ')}) AS v
       FROM metrics.${ident(table)}
      WHERE server_id = ANY($1) AND ${bounds}
      ORDER BY collected_at${limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(limit))}`}`,
    [serverIds, window.from, window.to, ...wanted],
  );
  return rows.map((r) => ({
    server_id: r.server_id,
    collected_at: new Date(r.t),
    database_name: r.database_name,
    values: r.v,
  }));
}

/**
 * The newest row in (from, to] of each (server, database, `keys`) series of
 * `metrics.<table>`, with `columns` as JSON values, and the newest run (and keyframe,
 * for a sparse probe) of its server and database. Names are validated by the callers.
 */
export async function readNewestRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  keys: readonly string[],
  serverIds: readonly number[],
  window: { from: Date; to: Date },
): Promise<(MetricTableRow & { run: Date; keyframe: Date | null })[]> {
  const have = await metricTableColumns(db, table);
  const wanted = columns.filter((c) => have.has(c));
  if (!have.has('server_id') || wanted.length === 0) return [];
  const hasDb = have.has('database_name');
  const dbCol = hasDb ? 'database_name' : 'NULL::text';
  const series = ['server_id', ...(hasDb ? ['database_name'] : []), ...keys].map(ident).join(', ');
  const params = [serverIds, window.from, window.to];
  // one after another: `db` may be one session (a rule's budgeted transaction)
  const rows = await db.query<{
    server_id: number;
    collected_at: Date;
    database_name: string | null;
    v: Record<string, unknown>;
  }>(
    `SELECT DISTINCT ON (${series}) server_id, collected_at, ${dbCol} AS database_name,
              jsonb_build_object(${wanted.map((c, i) => `$${i + 4}::text, ${jsonValue(c)}`).join(', ')}) AS v
         FROM metrics.${ident(table)}
        WHERE server_id = ANY($1) AND collected_at > $2 AND collected_at <= $3
        ORDER BY ${series}, collected_at DESC`,
    [...params, ...wanted],
  );
  const runs = await db.query<{
    server_id: number;
    database_name: string | null;
    run: Date;
    keyframe: Date | null;
  }>(
    `SELECT server_id, ${dbCol} AS database_name, max(collected_at) AS run,
              ${have.has('keyframe') ? 'max(collected_at) FILTER (WHERE keyframe)' : 'NULL::timestamptz'} AS keyframe
         FROM metrics.${ident(table)}
        WHERE server_id = ANY($1) AND collected_at > $2 AND collected_at <= $3
        GROUP BY server_id, 2`,
    params,
  );
  const group = (r: { server_id: number; database_name: string | null }) =>
    `${r.server_id}\u0000${r.database_name ?? ''}`;
  const byGroup = new Map(runs.map((r) => [group(r), r]));
  return rows.map((r) => {
    const g = byGroup.get(group(r))!;
    return {
      server_id: r.server_id,
      collected_at: r.collected_at,
      database_name: r.database_name,
      values: r.v,
      run: g.run,
      keyframe: g.keyframe,
    };
  });
}

/** Each run of a sparse probe in (from, to], per server and database: when, and whether a keyframe. */
export async function readRuns(
  db: Queryable,
  table: string,
  serverIds: readonly number[],
  window: { from: Date; to: Date },
): Promise<{ server_id: number; database_name: string | null; t: Date; keyframe: boolean }[]> {
  const have = await metricTableColumns(db, table);
  if (!have.has('keyframe')) return [];
  const dbCol = have.has('database_name') ? 'database_name' : 'NULL::text';
  return db.query(
    `SELECT server_id, ${dbCol} AS database_name, collected_at AS t, bool_or(keyframe) AS keyframe
       FROM metrics.${ident(table)}
      WHERE server_id = ANY($1) AND collected_at > $2 AND collected_at <= $3
      GROUP BY server_id, 2, 3 ORDER BY 3`,
    [serverIds, window.from, window.to],
  );
}

/**
 * Rows of `metrics.<table>` in (from, to], averaged per (server, database, `keys`)
 * series and bucket of `bucketSeconds`, each dated at the mean time of its rows: a
 * trend over days from a few dozen points per series. `numeric` columns are averaged,
 * the others taken as they are (they do not change within a series).
 */
export async function readBucketedRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  keys: readonly string[],
  numeric: ReadonlySet<string>,
  serverIds: readonly number[],
  window: { from: Date; to: Date; bucketSeconds: number },
): Promise<MetricTableRow[]> {
  const have = await metricTableColumns(db, table);
  const wanted = columns.filter((c) => have.has(c));
  if (!have.has('server_id') || wanted.length === 0) return [];
  const dbCol = have.has('database_name') ? 'database_name' : 'NULL::text';
  const groupBy = ['server_id', ...(have.has('database_name') ? ['database_name'] : [])]
    .concat(keys.filter((k) => have.has(k)))
    .map(ident);
  const value = (c: string) =>
    keys.includes(c)
      ? jsonValue(c)
      : numeric.has(c)
        ? `avg(${ident(c)})`
        : `min(${ident(c)}::text)`;
  const rows = await db.query<{
    server_id: number;
    collected_at: Date;
    database_name: string | null;
    v: Record<string, unknown>;
  }>(
    `SELECT server_id, to_timestamp(avg(extract(epoch FROM collected_at))) AS collected_at,
            ${dbCol} AS database_name,
            jsonb_build_object(${wanted.map((c, i) => `$${i + 5}::text, ${value(c)}`).join(', ')}) AS v
       FROM metrics.${ident(table)}
      WHERE server_id = ANY($1) AND collected_at > $2 AND collected_at <= $3
      GROUP BY ${groupBy.join(', ')}, date_bin($4::interval, collected_at, TIMESTAMPTZ 'epoch')
      ORDER BY 2`,
    [serverIds, window.from, window.to, `${window.bucketSeconds} seconds`, ...wanted],
  );
  return rows.map((r) => ({
    server_id: r.server_id,
    collected_at: r.collected_at,
    database_name: r.database_name,
    values: r.v,
  }));
}
