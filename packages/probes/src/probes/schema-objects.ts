import { STATS_HELPER } from '../privileges';
import type { ColumnDef } from '../types';
import { V14, defineProbe } from './define';

const STATS_SKIPPED: ColumnDef = {
  name: 'skipped',
  type: 'text',
  description:
    'why there is no estimate: pg_stats hides the statistics of tables the role may not SELECT (with the GRANT), or the table was never analyzed',
};

/** The skipped reason of a row with no width (e.width), for the table `oid` it estimates from. */
const statsSkipped = (oid: string, helper: boolean) => `CASE WHEN width IS NULL THEN
                     CASE WHEN ${helper ? 'false' : `NOT has_table_privilege(${oid}, 'SELECT')`}
                          THEN format('pg_stats hides %s to %s: install the helper ${STATS_HELPER} (docs/permissions.md); or GRANT SELECT ON %s TO %I; or GRANT pg_read_all_data TO %I',
                                      ${oid}::regclass, current_user, ${oid}::regclass, current_user, current_user)
                          ELSE 'no planner statistics: ANALYZE ' || ${oid}::regclass END
                   END`;

/** Table bloat, the widths from pg_stats or, when the role may call it, the stats helper. */
const tableBloatSql = (helper: boolean) => `WITH t AS (
              SELECT n.nspname::text AS schemaname, c.relname::text AS relname, c.relpages, c.reltuples, c.oid,
                     current_setting('block_size')::int AS bs,
                     coalesce((regexp_match(array_to_string(c.reloptions, ','), 'fillfactor=(\\d+)'))[1]::int, 100) AS ff,
                     (SELECT 24 + sum((1 - s.null_frac) * s.avg_width) FROM ${
                       helper
                         ? `${STATS_HELPER.replace('regclass', 'c.oid')} s`
                         : 'pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname AND NOT s.inherited'
                     }) AS width
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'm') AND c.relpages > 128
                 AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
            ), e AS (
              SELECT *, ceil(greatest(reltuples, 0) / greatest(floor((bs - 24) * ff / 100.0 / (width + 4)), 1)) AS expected
                FROM t
            )
            SELECT schemaname, relname, (relpages::bigint * bs) AS real_bytes,
                   CASE WHEN width IS NOT NULL THEN greatest(relpages - expected, 0)::bigint * bs END AS bloat_bytes,
                   CASE WHEN width IS NOT NULL THEN 100.0 * greatest(relpages - expected, 0) / relpages END::double precision AS bloat_pct,
                   ${statsSkipped('oid', helper)} AS skipped
              FROM e ORDER BY bloat_bytes DESC NULLS LAST LIMIT $1`;

/** B-tree index bloat, the widths of its columns as for the table. */
const indexBloatSql = (helper: boolean) => `WITH i AS (
              SELECT n.nspname::text AS schemaname, ci.relname::text AS indexrelname, ct.relname::text AS relname,
                     x.indrelid, CASE WHEN 0 = ANY (x.indkey::int2[]) THEN 'expression index: not estimated' END AS expr,
                     ci.relpages, ci.reltuples, current_setting('block_size')::int AS bs,
                     coalesce((regexp_match(array_to_string(ci.reloptions, ','), 'fillfactor=(\\d+)'))[1]::int, 90) AS ff,
                     CASE WHEN 0 <> ALL (x.indkey::int2[]) THEN
                       (SELECT 8 + sum(s.avg_width) FROM pg_attribute a
                          JOIN ${
                            helper
                              ? `${STATS_HELPER.replace('regclass', 'x.indrelid')} s ON true`
                              : 'pg_stats s ON s.schemaname = n.nspname AND s.tablename = ct.relname AND NOT s.inherited'
                          } AND s.attname = a.attname
                         WHERE a.attrelid = x.indrelid AND a.attnum = ANY (x.indkey::int2[]))
                     END AS width
                FROM pg_index x
                JOIN pg_class ci ON ci.oid = x.indexrelid
                JOIN pg_class ct ON ct.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = ci.relnamespace
                JOIN pg_am am ON am.oid = ci.relam AND am.amname = 'btree'
               WHERE ci.relpages > 128 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                 AND n.nspname !~ '^pg_toast'
            ), e AS (
              -- one meta page; usable space per page is the block minus page header and btree special space
              SELECT *, 1 + ceil(greatest(reltuples, 0) / greatest(floor((bs - 40) * ff / 100.0 / (width + 4)), 1)) AS expected
                FROM i
            )
            SELECT schemaname, indexrelname, relname, (relpages::bigint * bs) AS real_bytes,
                   CASE WHEN width IS NOT NULL THEN greatest(relpages - expected, 0)::bigint * bs END AS bloat_bytes,
                   CASE WHEN width IS NOT NULL THEN 100.0 * greatest(relpages - expected, 0) / relpages END::double precision AS bloat_pct,
                   coalesce(expr, ${statsSkipped('indrelid', helper)}) AS skipped
              FROM e ORDER BY bloat_bytes DESC NULLS LAST LIMIT $1`;

// Estimates from planner statistics, without pgstattuple: expected pages from
// reltuples and average row width (pg_stats), against the pages actually used.
// Without readable pg_stats rows (no SELECT on the table) the estimate is NULL,
// never a guess from a zero width.
/** A bloat estimate's SQL without and with the statistics helper (used when installed). */
const withStatsHelper = (sqlOf: (helper: boolean) => string) =>
  [false, true].map((helper) => ({
    minVersion: V14,
    ...(helper ? { whenHas: 'stats_helper' as const } : {}),
    sql: sqlOf(helper),
  }));

export const tableBloat = defineProbe({
  name: 'table_bloat',
  title: 'Table bloat estimate',
  description:
    'Estimated wasted bytes per table from planner statistics (no extension needed); tables over 1 MB, the top N by waste.',
  sources: ['pg_class', 'pg_stats', STATS_HELPER],
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 90,
  topN: 100,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'relname', type: 'text', key: true },
    { name: 'real_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'bloat_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'bloat_pct', type: 'double', unit: 'percent' },
    STATS_SKIPPED,
  ],
  sql: withStatsHelper(tableBloatSql),
});

export const indexBloat = defineProbe({
  name: 'index_bloat',
  title: 'B-tree index bloat estimate',
  description:
    'Estimated wasted bytes per b-tree index from planner statistics of its columns (expression indexes are not estimated); indexes over 1 MB, top N by waste.',
  sources: ['pg_index', 'pg_class', 'pg_stats', STATS_HELPER],
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 90,
  topN: 100,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'indexrelname', type: 'text', key: true },
    { name: 'relname', type: 'text' },
    { name: 'real_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'bloat_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'bloat_pct', type: 'double', unit: 'percent' },
    STATS_SKIPPED,
  ],
  sql: withStatsHelper(indexBloatSql),
});

export const functions = defineProbe({
  name: 'functions',
  title: 'Functions',
  description:
    'Calls and time per user function, the top N by total time (needs track_functions = pl or all; empty otherwise).',
  sources: ['pg_stat_user_functions'],
  scope: 'database',
  intervalSeconds: 300,
  topN: 100,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'signature', type: 'text', key: true },
    { name: 'calls', type: 'bigint', counter: true },
    { name: 'total_time', type: 'double', counter: true, unit: 'ms' },
    { name: 'self_time', type: 'double', counter: true, unit: 'ms' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT schemaname::text, (funcid::regprocedure)::text AS signature, calls, total_time, self_time
              FROM pg_stat_user_functions ORDER BY total_time DESC LIMIT $1`,
    },
  ],
});

export const tablesWithoutPk = defineProbe({
  name: 'tables_without_pk',
  title: 'Tables without a primary key',
  description:
    'Tables with no primary key, and their replica identity: logical replication cannot replicate their UPDATEs and DELETEs unless it is FULL or an index.',
  sources: ['pg_class', 'pg_index'],
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 30,
  topN: 200,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'relname', type: 'text', key: true },
    { name: 'replica_identity', type: 'text', description: 'default, nothing, full or index' },
    { name: 'estimated_rows', type: 'bigint', unit: 'count' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT n.nspname::text AS schemaname, c.relname::text AS relname,
                   CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing'
                                       WHEN 'f' THEN 'full' WHEN 'i' THEN 'index' END AS replica_identity,
                   greatest(c.reltuples, 0)::bigint AS estimated_rows
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
               AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
             ORDER BY c.reltuples DESC LIMIT $1`,
    },
  ],
});

export const schemaSnapshot = defineProbe({
  name: 'schema_snapshot',
  title: 'Schema snapshot',
  description:
    'One row per table, view, sequence and function with a hash of its definition; stored only when something changes, so successive snapshots give DDL change events.',
  sources: ['pg_class', 'pg_attribute', 'pg_index', 'pg_constraint', 'pg_proc'],
  scope: 'database',
  intervalSeconds: 600,
  retentionDays: 365,
  changeTracked: true,
  // one row per object: 50,000 tables take 1.6 s on a loaded 2-core machine
  timeoutMs: 10_000,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'name', type: 'text', key: true },
    { name: 'kind', type: 'text', key: true },
    { name: 'definition_md5', type: 'text' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT n.nspname::text AS schemaname, c.relname::text AS name,
                   CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                                  WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                                  WHEN 'f' THEN 'foreign table' END AS kind,
                   md5(concat_ws('|',
                     (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                        || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ',' ORDER BY a.attnum)
                        FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                     -- catalog rows, not pg_get_indexdef() / pg_get_constraintdef(): those lock the table
                     (SELECT string_agg(concat_ws(' ', ic.relname, am.amname, i.indisunique, i.indisprimary,
                                                  i.indkey, i.indclass, i.indcollation, i.indoption,
                                                  i.indexprs, i.indpred), ';' ORDER BY ic.relname)
                        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
                       WHERE i.indrelid = c.oid),
                     (SELECT string_agg(concat_ws(' ', k.conname, k.contype, k.condeferrable, k.condeferred,
                                                  k.convalidated, k.conkey, k.confrelid::regclass, k.confkey,
                                                  k.confupdtype, k.confdeltype, k.confmatchtype, k.conexclop,
                                                  k.conbin), ';' ORDER BY k.conname)
                        FROM pg_constraint k WHERE k.conrelid = c.oid),
                     -- the stored rule, not pg_get_viewdef(): that locks every table the view reads
                     (SELECT r.ev_action::text FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = '_RETURN'))) AS definition_md5
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
            UNION ALL
            SELECT n.nspname::text, p.oid::regprocedure::text, 'function',
                   md5(pg_get_function_result(p.oid) || coalesce(p.prosrc, ''))
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
    },
  ],
});
