import { TOP_QUERY_SORTS } from '@pgvigil/schema';
import { z } from 'zod';
import type { Queryable } from '../client';
import { cutAt, statementsResolution, windowRows } from './get-query-history';
import { parseInput } from './parse';

/** The columns the top-queries list reads from raw runs or rollups alike. */
const WINDOW_COLUMNS = `queryid, userid, dbid, calls, total_exec_time, rows, shared_blks_hit,
  shared_blks_read, temp_blks_written`;

export { TOP_QUERY_SORTS } from '@pgvigil/schema';

export const topQueriesInput = z
  .object({
    serverId: z.coerce.number().int().positive(),
    from: z.coerce.date(),
    to: z.coerce.date(),
    sort: z.enum(TOP_QUERY_SORTS).default('total_time'),
    limit: z.coerce.number().int().min(1).max(1000).default(25),
    offset: z.coerce.number().int().min(0).default(0),
    /** pgvigil's own probe statements are hidden unless asked for */
    includeOwn: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
  })
  .refine((i) => i.from < i.to, { message: '`from` must be before `to`', path: ['from'] });

export type TopQuery = {
  /** text: a 64-bit hash, beyond what a JS number holds exactly */
  queryid: string;
  dbid: number;
  query: string | null;
  calls: number;
  totalTimeMs: number;
  meanTimeMs: number | null;
  rows: number;
  sharedBlksHit: number;
  sharedBlksRead: number;
  tempBlksWritten: number;
};

export type TopQueries = {
  available: boolean;
  reason?: string;
  queries: TopQuery[];
};

/** The marker the probe runner puts in every statement pgvigil sends. */
export const OWN_STATEMENT_MARKER = '/* pgvigil:';

/**
 * The unmarked statements pgvigil's collector sends (packages/probes run-probe.ts,
 * session.ts, connection/connect.ts): the read-only transaction and timeouts around
 * each probe, and the version check on connect. PostgreSQL 16+ stores the SET values
 * as $1, older versions the literal value.
 */
export const OWN_SESSION_STATEMENTS = `^(${[
  'BEGIN TRANSACTION READ ONLY',
  'SET LOCAL (statement_timeout|lock_timeout) = \\S+',
  'COMMIT',
  'ROLLBACK',
  'SELECT current_setting\\(\\$1\\) AS num, current_setting\\(\\$2\\) AS version',
].join('|')})$`;

// Whitelisted ORDER BY expressions over the aggregated columns.
const ORDER: Record<(typeof TOP_QUERY_SORTS)[number], string> = {
  total_time: '"totalTimeMs"',
  mean_time: '"meanTimeMs"',
  calls: 'calls',
  rows: 'rows',
  io: '"sharedBlksRead"',
  temp: '"tempBlksWritten"',
};

export const NO_STATEMENTS_HINT =
  "No statement statistics for this server. Add pg_stat_statements to shared_preload_libraries (restart needed), run CREATE EXTENSION pg_stat_statements; in the server's maintenance database, and pgvigil shows top queries from the next minute.";

/**
 * Top statements of a window from the stored deltas of pg_stat_statements: what ran
 * in the window, not since the last stats reset.
 */
export async function listTopQueries({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof topQueriesInput>;
}): Promise<TopQueries> {
  const i = parseInput(topQueriesInput, input);
  const level = await statementsResolution(db, i.from, i.to);
  if (!level) return { available: false, reason: NO_STATEMENTS_HINT, queries: [] };
  // Past 6 hours the window's sums come from the rollups (as the query page reads them):
  // a week of raw runs is half a million rows per server.
  // pgvigil's role is the one that ran marked statements in the window; its unmarked
  // session statements are hidden by exact text, so an application's own COMMIT
  // (under another role) stays visible.
  const queries = await db.query<TopQuery>(
    // sums per statement, role and database first, then their texts: a join per run row
    // (100,000 of them in a week of 5-minute rollups) cost more than the window's read
    `WITH s AS (${windowRows(level, WINDOW_COLUMNS)}), per AS (
       SELECT s.queryid, s.userid, s.dbid,
              sum(s.calls) AS calls, sum(s.total_exec_time) AS total_exec_time,
              sum(s.rows) AS rows, sum(s.shared_blks_hit) AS shared_blks_hit,
              sum(s.shared_blks_read) AS shared_blks_read,
              sum(s.temp_blks_written) AS temp_blks_written
         FROM s GROUP BY s.queryid, s.userid, s.dbid
     ), t AS (
       SELECT per.*, qt.query
         FROM per LEFT JOIN query_texts qt ON qt.server_id = $1 AND qt.queryid = per.queryid
     ), own AS (
       SELECT DISTINCT t.userid FROM t WHERE strpos(t.query, $6) > 0
     )
     SELECT coalesce(t.queryid::text, '(others)') AS queryid, t.dbid, t.query,
            sum(t.calls)::float8 AS calls,
            sum(t.total_exec_time)::float8 AS "totalTimeMs",
            (sum(t.total_exec_time) / nullif(sum(t.calls), 0))::float8 AS "meanTimeMs",
            sum(t.rows)::float8 AS rows,
            sum(t.shared_blks_hit)::float8 AS "sharedBlksHit",
            sum(t.shared_blks_read)::float8 AS "sharedBlksRead",
            sum(t.temp_blks_written)::float8 AS "tempBlksWritten"
       FROM t
      WHERE ($4 OR t.query IS NULL OR strpos(t.query, $6) = 0)
        AND ($4 OR t.query IS NULL OR t.userid NOT IN (SELECT userid FROM own)
             OR t.query !~ $7)
      GROUP BY 1, t.dbid, t.query
      ORDER BY ${ORDER[i.sort]} DESC NULLS LAST, 1, t.dbid
      LIMIT $9 OFFSET $8`,
    [
      i.serverId,
      i.from,
      i.to,
      i.includeOwn,
      cutAt(level, i.from, i.to),
      OWN_STATEMENT_MARKER,
      OWN_SESSION_STATEMENTS,
      i.offset,
      i.limit,
    ],
  );
  if (queries.length === 0) {
    return {
      available: false,
      reason:
        'No statement ran in this window, or the collector has only recorded its first baseline (statements appear after its second run).',
      queries,
    };
  }
  return { available: true, queries };
}
