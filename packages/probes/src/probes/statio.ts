import type { ColumnDef } from '../types';
import { V14, defineProbe } from './define';

// Block I/O per relation from pg_statio_*: blocks found in shared buffers (hit) and
// blocks asked of the kernel (read, from its page cache or the disk). Counters: the
// dashboard and rules read them as rates. None of these views opens a relation, so no
// lock is taken; the heaviest relations (by blocks read, then hit) are kept, the rest
// summed into one "(others)" row.

const counter = (name: string): ColumnDef => ({ name, type: 'bigint', counter: true });
const sum = (cols: readonly string[]) => cols.map((c) => `sum(${c})::bigint AS ${c}`).join(', ');

const TABLE_IO = [
  'heap_blks_read',
  'heap_blks_hit',
  'idx_blks_read',
  'idx_blks_hit',
  'toast_blks_read',
  'toast_blks_hit',
  'tidx_blks_read',
  'tidx_blks_hit',
] as const;
const reads = TABLE_IO.filter((c) => c.endsWith('_read')).join(' + ');
const hits = TABLE_IO.filter((c) => c.endsWith('_hit')).join(' + ');

export const tableIo = defineProbe({
  name: 'table_io',
  title: 'Table block I/O',
  description:
    'Per table: heap, index, TOAST and TOAST-index blocks read (not in shared buffers) and hit (found there). Partitions are summed into their root table; the N tables with the most blocks read are kept, plus one "(others)" row with the rest.',
  sources: ['pg_statio_user_tables', 'pg_partition_root()'],
  scope: 'database',
  intervalSeconds: 600,
  topN: 200,
  sparse: { keyframeSeconds: 3600 },
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'relname', type: 'text', key: true },
    ...TABLE_IO.map(counter),
  ],
  sql: [
    {
      minVersion: V14,
      sql: `WITH t AS (
              SELECT coalesce(pg_partition_root(s.relid), s.relid) AS root,
                     ${TABLE_IO.map((c) => `coalesce(s.${c}, 0) AS ${c}`).join(', ')}
                FROM pg_statio_user_tables s
            ), g AS (
              SELECT root, ${sum(TABLE_IO)} FROM t GROUP BY root
            ), r AS (
              SELECT g.*, row_number() OVER (ORDER BY ${reads} DESC, ${hits} DESC, root) AS rn FROM g
            )
            SELECT n.nspname::text AS schemaname, c.relname::text AS relname, ${TABLE_IO.join(', ')}
              FROM r JOIN pg_class c ON c.oid = r.root JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE rn <= $1
            UNION ALL
            SELECT '(others)', '(others)', ${sum(TABLE_IO)} FROM r WHERE rn > $1 HAVING count(*) > 0`,
    },
  ],
});

export const indexIo = defineProbe({
  name: 'index_io',
  title: 'Index block I/O',
  description:
    'Per index: blocks read (not in shared buffers) and hit (found there). The N indexes with the most blocks read are kept, plus one "(others)" row with the rest.',
  sources: ['pg_statio_user_indexes'],
  scope: 'database',
  intervalSeconds: 900,
  topN: 300,
  sparse: { keyframeSeconds: 3600 },
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'indexrelname', type: 'text', key: true },
    { name: 'relname', type: 'text' },
    counter('idx_blks_read'),
    counter('idx_blks_hit'),
  ],
  sql: [
    {
      minVersion: V14,
      sql: `WITH r AS (
              SELECT s.*, row_number() OVER (ORDER BY s.idx_blks_read DESC, s.idx_blks_hit DESC,
                                                      s.indexrelid) AS rn
                FROM pg_statio_user_indexes s
            )
            SELECT schemaname::text, indexrelname::text, relname::text, idx_blks_read, idx_blks_hit
              FROM r WHERE rn <= $1
            UNION ALL
            SELECT '(others)', '(others)', NULL, sum(idx_blks_read)::bigint, sum(idx_blks_hit)::bigint
              FROM r WHERE rn > $1 HAVING count(*) > 0`,
    },
  ],
});

export const sequenceIo = defineProbe({
  name: 'sequence_io',
  title: 'Sequence block I/O',
  description:
    'Per sequence: blocks read (not in shared buffers) and hit (found there). The N sequences with the most blocks read are kept, plus one "(others)" row with the rest.',
  sources: ['pg_statio_user_sequences'],
  scope: 'database',
  intervalSeconds: 900,
  topN: 100,
  sparse: { keyframeSeconds: 3600 },
  columns: [
    { name: 'schemaname', type: 'text', key: true },
    { name: 'relname', type: 'text', key: true },
    counter('blks_read'),
    counter('blks_hit'),
  ],
  sql: [
    {
      minVersion: V14,
      sql: `WITH r AS (
              SELECT s.*, row_number() OVER (ORDER BY s.blks_read DESC, s.blks_hit DESC, s.relid) AS rn
                FROM pg_statio_user_sequences s
            )
            SELECT schemaname::text, relname::text, blks_read, blks_hit FROM r WHERE rn <= $1
            UNION ALL
            SELECT '(others)', '(others)', sum(blks_read)::bigint, sum(blks_hit)::bigint
              FROM r WHERE rn > $1 HAVING count(*) > 0`,
    },
  ],
});
