import type { ColumnDef } from '../types';
import { LOCKED_CTE, V14, V16, V18, defineProbe } from './define';

const TABLE_COUNTERS = [
  'seq_scan',
  'seq_tup_read',
  'idx_scan',
  'idx_tup_fetch',
  'n_tup_ins',
  'n_tup_upd',
  'n_tup_del',
  'n_tup_hot_upd',
  'vacuum_count',
  'autovacuum_count',
  'analyze_count',
  'autoanalyze_count',
  'n_tup_newpage_upd', // 16+
] as const;
/** milliseconds spent vacuuming and analyzing the table (18+) */
const TABLE_TIMINGS = [
  'total_vacuum_time',
  'total_autovacuum_time',
  'total_analyze_time',
  'total_autoanalyze_time',
] as const;
const TABLE_GAUGES = [
  'n_live_tup',
  'n_dead_tup',
  'n_mod_since_analyze',
  'n_ins_since_vacuum',
  'vacuum_threshold',
] as const;
const TABLE_TIMES = [
  'last_vacuum',
  'last_autovacuum',
  'last_analyze',
  'last_autoanalyze',
  'last_seq_scan', // 16+
] as const;
const SIZES = ['heap_bytes', 'toast_bytes', 'index_bytes'] as const;

const BLOCK = `current_setting('block_size')::int`;
const sumAll = (cols: readonly string[]) => cols.map((c) => `sum(${c})::bigint AS ${c}`).join(', ');
const sumTimings = TABLE_TIMINGS.map((c) => `sum(${c})::double precision AS ${c}`).join(', ');
/** Columns pg_stat_user_tables lacks before a major, as NULLs (not tracked: no delta, not 0). */
const missingBefore = (major: number) =>
  [
    ...(major < V16
      ? ['NULL::bigint AS n_tup_newpage_upd', 'NULL::timestamptz AS last_seq_scan']
      : []),
    ...(major < V18 ? TABLE_TIMINGS.map((c) => `NULL::double precision AS ${c}`) : []),
  ]
    .map((c) => `${c}, `)
    .join('');
// the column order of g below: sums, then maxima
const COLS = [
  ...TABLE_COUNTERS,
  ...TABLE_GAUGES,
  ...SIZES,
  ...TABLE_TIMINGS,
  ...TABLE_TIMES,
  'freeze_age',
  'autovacuum_enabled',
].join(', ');
/** A table's autovacuum storage parameter, else the server setting. */
const reloption = (name: string) =>
  `coalesce((SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = '${name}'),
            current_setting('${name}', true))`;
// When autovacuum vacuums this table: its own reloptions first, as autovacuum reads them
// (PostgreSQL 18 caps the threshold at autovacuum_vacuum_max_threshold; -1 is no cap).
const VACUUM_THRESHOLD = `least(${reloption('autovacuum_vacuum_threshold')}::float8
                + ${reloption('autovacuum_vacuum_scale_factor')}::float8 * greatest(c.reltuples, 0),
                nullif(${reloption('autovacuum_vacuum_max_threshold')}, '-1')::float8)::bigint`;
const AUTOVACUUM_ENABLED = `current_setting('autovacuum')::bool
                AND coalesce((SELECT option_value FROM pg_options_to_table(c.reloptions)
                               WHERE option_name = 'autovacuum_enabled')::bool, true)`;
const maxAll = (cols: readonly string[]) => cols.map((c) => `max(${c}) AS ${c}`).join(', ');
// one reason per row, and how many more relations of the row were skipped
const firstSkipped = `min(skipped) || CASE WHEN count(skipped) > 1 THEN format(' (and %s more)', count(skipped) - 1) ELSE '' END`;

/** The reason a row's exact sizes were not read, NULL when they were. */
export const SKIPPED_COLUMN: ColumnDef = {
  name: 'skipped',
  type: 'text',
  description:
    'why exact sizes were not read (a relation under ACCESS EXCLUSIVE: sizes are the pg_class estimate); NULL when they were',
};

export const tables = defineProbe({
  name: 'tables',
  title: 'Tables',
  description:
    'Per table: scans, tuples, live/dead, modifications since analyze, inserts since vacuum, the dead rows at which autovacuum vacuums it (its own reloptions, else the settings) and whether autovacuum may, last (auto)vacuum/analyze and counts, the last sequential scan and updates that moved a row to a new page (16+), time spent in (auto)vacuum and (auto)analyze (18+), heap/toast/index sizes and freeze age. Partitions are summed into their root table; only the largest N tables (by their pg_class size estimate) are kept, with exact sizes, plus one "(others)" row with the rest (sizes from pg_class).',
  sources: ['pg_stat_user_tables', 'pg_class', 'pg_partition_root()'],
  scope: 'database',
  // 10 minutes: 200 wide rows per database is the largest regular write after statements
  intervalSeconds: 600,
  topN: 200,
  // most tables sit idle most of the time: store a table's row when it moved, every row hourly
  sparse: { keyframeSeconds: 3600 },
  // reads the statistics of every table: 50,000 tables took over 5 s on a loaded 2-core machine
  timeoutMs: 10_000,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'relname', type: 'text', key: true },
    { name: 'partitions', type: 'int', unit: 'count', description: 'tables summed into this row' },
    ...TABLE_COUNTERS.map((name): ColumnDef => ({ name, type: 'bigint', counter: true })),
    ...TABLE_GAUGES.map((name): ColumnDef => ({ name, type: 'bigint', unit: 'count' })),
    { name: 'dead_pct', type: 'double', unit: 'percent' },
    ...TABLE_TIMES.map((name): ColumnDef => ({ name, type: 'timestamptz' })),
    ...SIZES.map((name): ColumnDef => ({ name, type: 'bigint', unit: 'bytes' })),
    ...TABLE_TIMINGS.map((name): ColumnDef => ({ name, type: 'double', counter: true })),
    // grows with every transaction on the server, whether this table moved or not
    { name: 'freeze_age', type: 'bigint', unit: 'xid', drifting: true },
    {
      name: 'autovacuum_enabled',
      type: 'boolean',
      description: 'autovacuum is on and the table does not turn it off (autovacuum_enabled)',
    },
    SKIPPED_COLUMN,
  ],
  sql: [V14, V16, V18].map((minVersion) => ({
    minVersion,
    // Tables are ranked by their pg_class estimate (no lock, no file opened); only the top N
    // get exact sizes, which lock each relation for an instant (pg_relation_size opens it):
    // 50,000 tables cost 8 s and a relcache entry each when all were measured. A table under
    // ACCESS EXCLUSIVE (or its toast table or an index of it) keeps its estimate, and says so.
    sql: `WITH ${LOCKED_CTE}, blocked AS (
              SELECT c.oid AS relid, l.reason FROM pg_class c JOIN locked l ON l.oid IN (c.oid, c.reltoastrelid)
              UNION ALL
              SELECT x.indrelid, l.reason FROM pg_index x JOIN locked l ON l.oid = x.indexrelid
              UNION ALL
              SELECT c.oid, l.reason FROM pg_class c JOIN pg_index x ON x.indrelid = c.reltoastrelid
                JOIN locked l ON l.oid = x.indexrelid
            ), idx AS (
              SELECT x.indrelid, sum(ic.relpages)::bigint AS pages
                FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid GROUP BY x.indrelid
            ), e AS (
              SELECT t.*, ${missingBefore(minVersion)}coalesce(pg_partition_root(t.relid), t.relid) AS root, c.reltoastrelid, c.relfrozenxid,
                     c.relpages::bigint * ${BLOCK} AS heap_est,
                     (coalesce(tc.relpages, 0) + coalesce(ti.pages, 0)) * ${BLOCK} AS toast_est,
                     coalesce(ix.pages, 0) * ${BLOCK} AS index_est,
                     ${VACUUM_THRESHOLD} AS vacuum_threshold, ${AUTOVACUUM_ENABLED} AS autovacuum_enabled
                FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
                LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
                LEFT JOIN idx ti ON ti.indrelid = c.reltoastrelid
                LEFT JOIN idx ix ON ix.indrelid = t.relid
            ), ranked AS (
              SELECT root, row_number() OVER (ORDER BY sum(heap_est + toast_est + index_est) DESC, root) AS rn
                FROM e GROUP BY root
            ), s AS (
              SELECT e.*, r.rn, b.reason IS NULL AND r.rn <= $1 AS exact,
                     CASE WHEN b.reason IS NOT NULL AND r.rn <= $1 THEN e.relname || ': ' || b.reason END AS skipped
                FROM e JOIN ranked r ON r.root = e.root
                LEFT JOIN LATERAL (SELECT reason FROM blocked WHERE blocked.relid = e.relid LIMIT 1) b ON true
            ), sized AS (
              SELECT s.*,
                     CASE WHEN exact THEN pg_relation_size(relid) ELSE heap_est END AS heap_bytes,
                     CASE WHEN reltoastrelid = 0 THEN 0 WHEN exact THEN pg_total_relation_size(reltoastrelid)
                          ELSE toast_est END AS toast_bytes,
                     CASE WHEN exact THEN pg_indexes_size(relid) ELSE index_est END AS index_bytes,
                     CASE WHEN relfrozenxid <> '0'::xid THEN age(relfrozenxid) END AS freeze_age
                FROM s
            ), g AS (
              SELECT root, min(rn) AS rn, count(*)::int AS partitions,
                     ${sumAll([...TABLE_COUNTERS, ...TABLE_GAUGES, ...SIZES])}, ${sumTimings},
                     ${maxAll(TABLE_TIMES)}, max(freeze_age)::bigint AS freeze_age,
                     bool_and(autovacuum_enabled) AS autovacuum_enabled, ${firstSkipped} AS skipped
                FROM sized GROUP BY root
            ), r AS (
              SELECT * FROM g
            ), top AS (
              SELECT n.nspname::text AS schemaname, c.relname::text AS relname, r.partitions, ${COLS}, r.skipped
                FROM r JOIN pg_class c ON c.oid = r.root JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE rn <= $1
              UNION ALL
              SELECT '(others)', '(others)', sum(partitions)::int,
                     ${sumAll([...TABLE_COUNTERS, ...TABLE_GAUGES, ...SIZES])}, ${sumTimings},
                     ${maxAll(TABLE_TIMES)}, max(freeze_age), bool_and(autovacuum_enabled), ${firstSkipped}
                FROM r WHERE rn > $1 HAVING count(*) > 0
            )
            SELECT schemaname, relname, partitions, ${COLS}, skipped,
                   CASE WHEN n_live_tup + n_dead_tup > 0
                        THEN 100.0 * n_dead_tup / (n_live_tup + n_dead_tup) END::double precision AS dead_pct
              FROM top`,
  })),
});

const INDEX_COUNTERS = ['idx_scan', 'idx_tup_read', 'idx_tup_fetch'] as const;

export const indexes = defineProbe({
  name: 'indexes',
  title: 'Indexes',
  description:
    'Per index: scans, tuples read and fetched, size, last scan (16+), valid, unique, primary. The largest N indexes (by pg_class estimate, then measured) plus one "(others)" row (sizes from pg_class).',
  sources: ['pg_stat_user_indexes', 'pg_index'],
  scope: 'database',
  // index statistics move slowly; every 15 minutes keeps 300 indexes cheap to store
  intervalSeconds: 900,
  topN: 300,
  sparse: { keyframeSeconds: 3600 },
  notes: 'last_idx_scan exists from 16.',
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'indexrelname', type: 'text', key: true },
    { name: 'relname', type: 'text' },
    ...INDEX_COUNTERS.map((name): ColumnDef => ({ name, type: 'bigint', counter: true })),
    { name: 'size_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'last_idx_scan', type: 'timestamptz' },
    { name: 'is_valid', type: 'boolean' },
    { name: 'is_unique', type: 'boolean' },
    { name: 'is_primary', type: 'boolean' },
    SKIPPED_COLUMN,
  ],
  sql: [V14, V16].map((minVersion) => ({
    minVersion,
    // ranked by pg_class estimate; exact sizes (a lock and a relcache entry each) for the top N only
    sql: `WITH ${LOCKED_CTE}, ranked AS (
            SELECT s.*, c.relpages,
                   row_number() OVER (ORDER BY c.relpages DESC, s.indexrelid) AS rank
              FROM pg_stat_user_indexes s JOIN pg_class c ON c.oid = s.indexrelid
          ), sized AS (
            SELECT k.*, l.reason,
                   CASE WHEN l.reason IS NULL AND k.rank <= $1 THEN pg_relation_size(k.indexrelid)
                        ELSE k.relpages::bigint * ${BLOCK} END AS size_bytes
              FROM ranked k LEFT JOIN locked l ON l.oid = k.indexrelid
          ), r AS (
            SELECT s.schemaname::text, s.indexrelname::text, s.relname::text,
                   s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, s.size_bytes,
                   ${minVersion >= V16 ? 's.last_idx_scan' : 'NULL::timestamptz AS last_idx_scan'},
                   i.indisvalid AS is_valid, i.indisunique AS is_unique, i.indisprimary AS is_primary,
                   CASE WHEN s.rank <= $1 THEN s.reason END AS skipped, s.rank AS rn
              FROM sized s JOIN pg_index i ON i.indexrelid = s.indexrelid
          )
          SELECT schemaname, indexrelname, relname, idx_scan, idx_tup_read, idx_tup_fetch, size_bytes,
                 last_idx_scan, is_valid, is_unique, is_primary, skipped
            FROM r WHERE rn <= $1
          UNION ALL
          SELECT '(others)', '(others)', NULL, sum(idx_scan)::bigint, sum(idx_tup_read)::bigint,
                 sum(idx_tup_fetch)::bigint, sum(size_bytes)::bigint, max(last_idx_scan), NULL, NULL, NULL,
                 ${firstSkipped}
            FROM r WHERE rn > $1 HAVING count(*) > 0`,
  })),
});

export const indexHealth = defineProbe({
  name: 'index_health',
  title: 'Index health',
  description:
    'Indexes worth a look: unused (never scanned, not backing a constraint), duplicates (same table, columns, opclasses, expression and predicate, or a plain index whose columns lead another one) and invalid ones (a failed CREATE INDEX CONCURRENTLY).',
  sources: ['pg_index', 'pg_stat_user_indexes', 'pg_constraint'],
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 30,
  topN: 200,
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'indexrelname', type: 'text', key: true },
    { name: 'issue', type: 'text', key: true, description: 'unused, duplicate or invalid' },
    { name: 'relname', type: 'text' },
    { name: 'size_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'detail', type: 'text' },
  ],
  sql: [
    {
      minVersion: V14,
      // ranked by pg_class estimate; exact sizes for the rows kept only, except for an index
      // under ACCESS EXCLUSIVE (REINDEX), which keeps its estimate rather than waiting
      sql: `WITH ${LOCKED_CTE}, i AS (
              SELECT s.schemaname::text, s.indexrelname::text, s.relname::text, s.idx_scan, x.*,
                     c.relpages::bigint * ${BLOCK} AS size_bytes,
                     EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid) AS backs_constraint
                FROM pg_stat_user_indexes s JOIN pg_index x ON x.indexrelid = s.indexrelid
                JOIN pg_class c ON c.oid = s.indexrelid
            ), issues AS (
              SELECT indexrelid, schemaname, indexrelname, 'invalid' AS issue, relname, size_bytes, NULL::text AS detail
                FROM i WHERE NOT indisvalid
              UNION ALL
              SELECT indexrelid, schemaname, indexrelname, 'unused', relname, size_bytes, 'no scans since statistics were reset'
                FROM i WHERE idx_scan = 0 AND NOT indisunique AND NOT backs_constraint
              UNION ALL
              SELECT a.indexrelid, a.schemaname, a.indexrelname, 'duplicate', a.relname, a.size_bytes, 'same definition as ' || b.indexrelname
                FROM i a JOIN i b ON a.indrelid = b.indrelid AND a.indexrelid > b.indexrelid
                 AND a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text
                 -- stored expression trees without their text offsets; pg_get_expr() would lock the table
                 AND coalesce(regexp_replace(a.indexprs::text, ':location -?\\d+', '', 'g'), '')
                   = coalesce(regexp_replace(b.indexprs::text, ':location -?\\d+', '', 'g'), '')
                 AND coalesce(regexp_replace(a.indpred::text, ':location -?\\d+', '', 'g'), '')
                   = coalesce(regexp_replace(b.indpred::text, ':location -?\\d+', '', 'g'), '')
              UNION ALL
              -- a plain non-unique index whose columns (and opclasses) lead another index
              SELECT a.indexrelid, a.schemaname, a.indexrelname, 'duplicate', a.relname, a.size_bytes, 'columns are a prefix of ' || b.indexrelname
                FROM i a JOIN i b ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
                 AND NOT a.indisunique AND a.indnatts < b.indnatts AND b.indisvalid
                 AND a.indexprs IS NULL AND b.indexprs IS NULL AND a.indpred IS NULL AND b.indpred IS NULL
                 AND b.indkey::text || ' ' LIKE a.indkey::text || ' %'
                 AND b.indclass::text || ' ' LIKE a.indclass::text || ' %'
            )
            , top AS (
              SELECT * FROM (SELECT DISTINCT ON (indexrelid, issue) * FROM issues ORDER BY indexrelid, issue) d
               ORDER BY size_bytes DESC LIMIT $1
            )
            SELECT schemaname, indexrelname, issue, relname,
                   CASE WHEN indexrelid IN (SELECT oid FROM locked) THEN size_bytes
                        ELSE pg_relation_size(indexrelid) END AS size_bytes, detail
              FROM top`,
    },
  ],
});
