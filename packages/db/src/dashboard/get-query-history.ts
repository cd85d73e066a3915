import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { metricTableColumns } from '../metrics/read-table-rows';
import { bucketSecondsFor } from './chart-series';
import { parseInput } from './parse';
import { ROLLUP_SECONDS, rollupTable, type RollupLevel } from '@pgvigil/schema/metric-spec';

/** Raw runs up to 6 hours, 5-minute rollups up to 7 days, hourly beyond: as the charts read. */
const RAW_SPAN_MS = 6 * 3_600_000;
const ROLLUP_5M_SPAN_MS = 7 * 86_400_000;

/** The statements probe's cap row: every statement beyond the 50 stored per run. */
/** The row summing the statements outside the top N: a NULL queryid, '(others)' before 0.5. */
export const OTHERS_QUERYID = '(others)';

// a signed 64-bit hash as text (a JS number cannot hold it exactly), or the cap row
const queryidSchema = z.union([z.string().regex(/^-?\d{1,20}$/), z.literal(OTHERS_QUERYID)]);

export const queryHistoryInput = z
  .object({
    serverId: z.coerce.number().int().positive(),
    queryid: queryidSchema,
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((i) => i.from < i.to, { message: '`from` must be before `to`', path: ['from'] });

export type QueryTotals = {
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number | null;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  tempBlksRead: number;
  tempBlksWritten: number;
};

export type QueryPoint = {
  /** bucket start, epoch ms */
  t: number;
  callsPerSecond: number;
  /** null in a bucket where the statement did not run */
  meanTimeMs: number | null;
  rowsPerSecond: number;
};

export type QueryHistory = {
  queryid: string;
  /** the normalized text; null until the collector fetched it (or for the cap row) */
  query: string | null;
  /** the databases (pg_database oids) it ran in during the window */
  dbids: number[];
  /** the same, named from the database_size probe's newest rows (null: not seen there) */
  databases: { dbid: number; name: string | null }[];
  totals: QueryTotals;
  /** what the window was read from: raw runs up to 6 hours, 5-minute rollups to 7 days, hourly beyond */
  resolution: 'raw' | RollupLevel;
  bucketSeconds: number;
  points: QueryPoint[];
};

const STEP_SECONDS = 60; // the statements probe's interval
const COLUMNS = `collected_at, queryid, dbid, calls, rows, total_exec_time, shared_blks_hit,
  shared_blks_read, temp_blks_read, temp_blks_written, interval_seconds`;

/**
 * The server's statements rows in (from, to]: with a rollup level, its buckets (their
 * sums) before `cut` (the newest bucket's start: that bucket is still open) and raw
 * runs from there. A rollup row's interval_seconds is the time its bucket's runs
 * covered, the same on each row of the bucket, so the distinct (time,
 * interval_seconds) pairs give the covered time either way. $1 server, $2 from, $3
 * to, $5 cut.
 */
export function windowRows(level: 'raw' | RollupLevel, columns = COLUMNS): string {
  const raw = `SELECT ${columns} FROM metrics.statements
                WHERE server_id = $1 AND collected_at > $2 AND collected_at >= $5 AND collected_at <= $3`;
  if (level === 'raw') return raw;
  return `SELECT ${columns} FROM metrics.${rollupTable('statements', level)}
           WHERE server_id = $1 AND collected_at >= $2 AND collected_at < $5
          UNION ALL ${raw}`;
}

/** Where the rollups give way to raw runs: the start of the newest (open) bucket. */
export function cutAt(level: 'raw' | RollupLevel, from: Date, to: Date): Date {
  if (level === 'raw') return from;
  const size = ROLLUP_SECONDS[level] * 1000;
  return new Date(Math.floor(to.getTime() / size) * size);
}

/**
 * What a window of statements is read from: raw runs up to 6 hours, 5-minute rollups up
 * to 7 days, hourly beyond; null when the datastore has no statements table yet. Raw
 * statements are kept 7 days, so longer windows need the rollups (a datastore whose
 * collector has not run since statements had rollups has none yet: raw, as before).
 */
export async function statementsResolution(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<'raw' | RollupLevel | null> {
  const [t] = await db.query<{ ok: boolean; rollups: boolean }>(
    `SELECT to_regclass('metrics.statements') IS NOT NULL AS ok,
            to_regclass('metrics.statements_1h') IS NOT NULL AS rollups`,
  );
  if (!t?.ok) return null;
  const span = to.getTime() - from.getTime();
  return !t.rollups || span <= RAW_SPAN_MS ? 'raw' : span <= ROLLUP_5M_SPAN_MS ? '5m' : '1h';
}

/** A statement's stored normalized text (the collector fetches each once), or null. */
export async function readQueryText(
  db: Queryable,
  serverId: number,
  queryid: string,
): Promise<string | null> {
  const [row] = await db.query<{ query: string }>(
    `SELECT query FROM query_texts WHERE server_id = $1 AND queryid::text = $2`,
    [serverId, queryid],
  );
  return row?.query ?? null;
}

/**
 * One statement over a window from the stored per-run deltas of pg_stat_statements
 * (all roles and databases summed). Rates divide by the time the collector's runs
 * covered in each bucket, not the bucket length, so a collector gap or a partial
 * bucket at the window's edge does not read as a drop; a bucket with runs in which
 * the statement did not appear is 0 calls/s (it did not run, or ran too little to
 * be among the 50 stored).
 */
export async function getQueryHistory({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof queryHistoryInput>;
}): Promise<QueryHistory> {
  const i = parseInput(queryHistoryInput, input);
  const notFound = () =>
    new NotFoundError(
      `Query ${i.queryid} on server ${i.serverId}`,
      'It has no stored text and did not run in this window; pick a query from the server page.',
    );
  const resolution = await statementsResolution(db, i.from, i.to);
  if (!resolution) throw notFound();
  const bucketSeconds = bucketSecondsFor(
    i.from,
    i.to,
    resolution === 'raw' ? STEP_SECONDS : ROLLUP_SECONDS[resolution],
  );
  const src = windowRows(resolution);
  const params = [i.serverId, i.from, i.to, i.queryid, cutAt(resolution, i.from, i.to)];
  const [text, totals, points] = await Promise.all([
    readQueryText(db, i.serverId, i.queryid),
    db.query<QueryTotals & { dbids: number[] | null; runs: number }>(
      `SELECT count(*)::int AS runs,
              array_agg(DISTINCT s.dbid::float8) FILTER (WHERE s.dbid IS NOT NULL) AS dbids,
              coalesce(sum(s.calls), 0)::float8 AS calls,
              coalesce(sum(s.total_exec_time), 0)::float8 AS "totalTimeMs",
              (sum(s.total_exec_time) / nullif(sum(s.calls), 0))::float8 AS "meanTimeMs",
              coalesce(sum(s.rows), 0)::float8 AS rows,
              coalesce(sum(s.shared_blks_hit), 0)::float8 AS "sharedBlksHit",
              coalesce(sum(s.shared_blks_read), 0)::float8 AS "sharedBlksRead",
              coalesce(sum(s.temp_blks_read), 0)::float8 AS "tempBlksRead",
              coalesce(sum(s.temp_blks_written), 0)::float8 AS "tempBlksWritten"
         FROM (${src}) s
        WHERE coalesce(s.queryid::text, '(others)') = $4`,
      params,
    ),
    // Coverage: every run of the probe stores at least pgvigil's own statements, so
    // the distinct run times of the server say which time the deltas account for.
    db.query<QueryPoint>(
      `WITH s AS (${src}), runs AS (
         SELECT DISTINCT s.collected_at, s.interval_seconds FROM s WHERE s.interval_seconds > 0
       ), covered AS (
         SELECT floor(extract(epoch FROM collected_at) / $6) * $6 AS b,
                sum(interval_seconds) AS seconds
           FROM runs GROUP BY 1
       ), q AS (
         SELECT floor(extract(epoch FROM s.collected_at) / $6) * $6 AS b,
                sum(s.calls) AS calls, sum(s.rows) AS rows, sum(s.total_exec_time) AS ms
           FROM s
          WHERE coalesce(s.queryid::text, '(others)') = $4
          GROUP BY 1
       )
       SELECT (c.b * 1000)::float8 AS t,
              (coalesce(q.calls, 0) / c.seconds)::float8 AS "callsPerSecond",
              (q.ms / nullif(q.calls, 0))::float8 AS "meanTimeMs",
              (coalesce(q.rows, 0) / c.seconds)::float8 AS "rowsPerSecond"
         FROM covered c LEFT JOIN q USING (b)
        ORDER BY c.b`,
      [...params, bucketSeconds],
    ),
  ]);
  const agg = totals[0];
  if (!text && !agg?.runs) throw notFound();
  const { runs: _runs, dbids: found, ...sums } = agg!;
  const dbids = (found ?? []).sort((a, b) => a - b);
  return {
    queryid: i.queryid,
    query: text,
    dbids,
    databases: await nameDatabases(db, i.serverId, dbids),
    totals: sums,
    resolution,
    bucketSeconds,
    points,
  };
}

/** Database names for pg_database oids, from the newest database_size row of each. */
async function nameDatabases(db: Queryable, serverId: number, dbids: number[]) {
  if (dbids.length === 0) return [];
  // a datastore whose collector has not run since datid was added lacks the column
  const rows = (await metricTableColumns(db, 'database_size')).has('datid')
    ? await db.query<{ datid: number; datname: string }>(
        `SELECT DISTINCT ON (datid) datid::float8 AS datid, datname
           FROM metrics.database_size
          WHERE server_id = $1 AND datid = ANY($2::bigint[])
          ORDER BY datid, collected_at DESC`,
        [serverId, dbids],
      )
    : [];
  const names = new Map(rows.map((r) => [r.datid, r.datname]));
  return dbids.map((dbid) => ({ dbid, name: names.get(dbid) ?? null }));
}
