import type { ColumnDef } from '../types';
import { V14, V16, defineProbe } from './define';

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
] as const;
const TABLE_GAUGES = [
  'n_live_tup',
  'n_dead_tup',
  'n_mod_since_analyze',
  'n_ins_since_vacuum',
] as const;
const TABLE_TIMES = ['last_vacuum', 'last_autovacuum', 'last_analyze', 'last_autoanalyze'] as const;
const SIZES = ['heap_bytes', 'toast_bytes', 'index_bytes'] as const;

const sumAll = (cols: readonly string[]) => cols.map((c) => `sum(${c})::bigint AS ${c}`).join(', ');
// the column order of g below: sums, then maxima
const COLS = [...TABLE_COUNTERS, ...TABLE_GAUGES, ...SIZES, ...TABLE_TIMES, 'freeze_age'].join(
  ', ',
);
const maxAll = (cols: readonly string[]) => cols.map((c) => `max(${c}) AS ${c}`).join(', ');

export const tables = defineProbe({
  name: 'tables',
  title: 'Tables',
  description:
    'Per table: scans, tuples, live/dead, modifications since analyze, inserts since vacuum, last (auto)vacuum/analyze and counts, heap/toast/index sizes and freeze age. Partitions are summed into their root table; only the largest N tables are kept, plus one "(others)" row with the rest.',
  sources: ['pg_stat_user_tables', 'pg_class', 'pg_partition_root()'],
  scope: 'database',
  // 10 minutes: 200 wide rows per database is the largest regular write after statements
  intervalSeconds: 600,
  topN: 200,
  // most tables sit idle most of the time: store a table's row when it moved, every row hourly
  sparse: { keyframeSeconds: 3600 },
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'relname', type: 'text', key: true },
    { name: 'partitions', type: 'int', unit: 'count', description: 'tables summed into this row' },
    ...TABLE_COUNTERS.map((name): ColumnDef => ({ name, type: 'bigint', counter: true })),
    ...TABLE_GAUGES.map((name): ColumnDef => ({ name, type: 'bigint', unit: 'count' })),
    { name: 'dead_pct', type: 'double', unit: 'percent' },
    ...TABLE_TIMES.map((name): ColumnDef => ({ name, type: 'timestamptz' })),
    ...SIZES.map((name): ColumnDef => ({ name, type: 'bigint', unit: 'bytes' })),
    // grows with every transaction on the server, whether this table moved or not
    { name: 'freeze_age', type: 'bigint', unit: 'xid', drifting: true },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `WITH s AS (
              SELECT coalesce(pg_partition_root(t.relid), t.relid) AS root, t.*,
                     pg_relation_size(t.relid) AS heap_bytes,
                     coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast_bytes,
                     pg_indexes_size(t.relid) AS index_bytes,
                     CASE WHEN c.relfrozenxid <> '0'::xid THEN age(c.relfrozenxid) END AS freeze_age
                FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid
            ), g AS (
              SELECT root, count(*)::int AS partitions,
                     ${sumAll([...TABLE_COUNTERS, ...TABLE_GAUGES, ...SIZES])},
                     ${maxAll(TABLE_TIMES)}, max(freeze_age)::bigint AS freeze_age
                FROM s GROUP BY root
            ), r AS (
              SELECT g.*, row_number() OVER (ORDER BY heap_bytes + toast_bytes + index_bytes DESC, root) AS rn
                FROM g
            ), top AS (
              SELECT n.nspname::text AS schemaname, c.relname::text AS relname, r.partitions, ${COLS}
                FROM r JOIN pg_class c ON c.oid = r.root JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE rn <= $1
              UNION ALL
              SELECT '(others)', '(others)', sum(partitions)::int,
                     ${sumAll([...TABLE_COUNTERS, ...TABLE_GAUGES, ...SIZES])},
                     ${maxAll(TABLE_TIMES)}, max(freeze_age)
                FROM r WHERE rn > $1 HAVING count(*) > 0
            )
            SELECT schemaname, relname, partitions, ${COLS},
                   CASE WHEN n_live_tup + n_dead_tup > 0
                        THEN 100.0 * n_dead_tup / (n_live_tup + n_dead_tup) END::double precision AS dead_pct
              FROM top`,
    },
  ],
});

const INDEX_COUNTERS = ['idx_scan', 'idx_tup_read', 'idx_tup_fetch'] as const;

export const indexes = defineProbe({
  name: 'indexes',
  title: 'Indexes',
  description:
    'Per index: scans, tuples read and fetched, size, last scan (16+), valid, unique, primary. The largest N indexes plus one "(others)" row.',
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
  ],
  sql: [V14, V16].map((minVersion) => ({
    minVersion,
    sql: `WITH r AS (
            SELECT s.schemaname::text, s.indexrelname::text, s.relname::text,
                   s.idx_scan, s.idx_tup_read, s.idx_tup_fetch, pg_relation_size(s.indexrelid) AS size_bytes,
                   ${minVersion >= V16 ? 's.last_idx_scan' : 'NULL::timestamptz AS last_idx_scan'},
                   i.indisvalid AS is_valid, i.indisunique AS is_unique, i.indisprimary AS is_primary,
                   row_number() OVER (ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelid) AS rn
              FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
          )
          SELECT schemaname, indexrelname, relname, idx_scan, idx_tup_read, idx_tup_fetch, size_bytes,
                 last_idx_scan, is_valid, is_unique, is_primary
            FROM r WHERE rn <= $1
          UNION ALL
          SELECT '(others)', '(others)', NULL, sum(idx_scan)::bigint, sum(idx_tup_read)::bigint,
                 sum(idx_tup_fetch)::bigint, sum(size_bytes)::bigint, max(last_idx_scan), NULL, NULL, NULL
            FROM r WHERE rn > $1 HAVING count(*) > 0`,
  })),
});

export const indexHealth = defineProbe({
  name: 'index_health',
  title: 'Index health',
  description:
    'Indexes worth a look: unused (never scanned, not backing a constraint), duplicates (same table, columns, opclasses, expression and predicate) and invalid ones (a failed CREATE INDEX CONCURRENTLY).',
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
      sql: `WITH i AS (
              SELECT s.schemaname::text, s.indexrelname::text, s.relname::text, s.idx_scan, x.*,
                     pg_relation_size(s.indexrelid) AS size_bytes,
                     EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = s.indexrelid) AS backs_constraint
                FROM pg_stat_user_indexes s JOIN pg_index x ON x.indexrelid = s.indexrelid
            ), issues AS (
              SELECT schemaname, indexrelname, 'invalid' AS issue, relname, size_bytes, NULL::text AS detail
                FROM i WHERE NOT indisvalid
              UNION ALL
              SELECT schemaname, indexrelname, 'unused', relname, size_bytes, 'no scans since statistics were reset'
                FROM i WHERE idx_scan = 0 AND NOT indisunique AND NOT backs_constraint
              UNION ALL
              SELECT a.schemaname, a.indexrelname, 'duplicate', a.relname, a.size_bytes, 'same definition as ' || b.indexrelname
                FROM i a JOIN i b ON a.indrelid = b.indrelid AND a.indexrelid > b.indexrelid
                 AND a.indkey::text = b.indkey::text AND a.indclass::text = b.indclass::text
                 AND coalesce(pg_get_expr(a.indexprs, a.indrelid), '') = coalesce(pg_get_expr(b.indexprs, b.indrelid), '')
                 AND coalesce(pg_get_expr(a.indpred, a.indrelid), '') = coalesce(pg_get_expr(b.indpred, b.indrelid), '')
            )
            SELECT schemaname, indexrelname, issue, relname, size_bytes, detail
              FROM issues ORDER BY size_bytes DESC LIMIT $1`,
    },
  ],
});
