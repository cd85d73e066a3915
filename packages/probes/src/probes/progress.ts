import type { ColumnDef } from '../types';
import { V14, V17, defineProbe } from './define';

// Progress views list operations in every database; relid is kept as a number
// because regclass only resolves inside the operation's own database.
const common: ColumnDef[] = [
  { name: 'pid', type: 'int', key: true },
  { name: 'datname', type: 'text' },
  { name: 'relid', type: 'bigint' },
  { name: 'phase', type: 'text' },
  { name: 'done_pct', type: 'double', unit: 'percent' },
];
const pct = (done: string, total: string) =>
  `CASE WHEN ${total} > 0 THEN 100.0 * ${done} / ${total} END::double precision AS done_pct`;
const base = { scope: 'instance', intervalSeconds: 30, retentionDays: 7 } as const;

export const autovacuumWorkers = defineProbe({
  name: 'autovacuum_workers',
  needs: ['pg_read_all_stats'],
  title: 'Autovacuum workers',
  description:
    'Autovacuum workers running against autovacuum_max_workers, the longest-running one and its job, and how many vacuum to prevent wraparound. All workers busy for long means tables wait their turn.',
  sources: ['pg_stat_activity'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'workers_running', type: 'int', unit: 'count' },
    { name: 'max_workers', type: 'int', unit: 'count' },
    { name: 'workers_used_pct', type: 'double', unit: 'percent' },
    { name: 'longest_seconds', type: 'double', unit: 'seconds' },
    {
      name: 'longest_job',
      type: 'text',
      description: 'what the longest-running worker does, e.g. VACUUM public.orders',
    },
    { name: 'wraparound_workers', type: 'int', unit: 'count' },
    { name: 'autovacuum_on', type: 'boolean' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT count(*)::int AS workers_running,
                   current_setting('autovacuum_max_workers')::int AS max_workers,
                   (100.0 * count(*) / current_setting('autovacuum_max_workers')::int)::double precision
                     AS workers_used_pct,
                   coalesce(max(extract(epoch FROM now() - xact_start)), 0)::double precision AS longest_seconds,
                   (array_agg(regexp_replace(query, '^autovacuum: ', '') ORDER BY xact_start))[1] AS longest_job,
                   (count(*) FILTER (WHERE query LIKE '%(to prevent wraparound)%'))::int AS wraparound_workers,
                   current_setting('autovacuum')::bool AS autovacuum_on
              FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
    },
  ],
});

export const progressVacuum = defineProbe({
  ...base,
  name: 'progress_vacuum',
  needs: ['pg_read_all_stats'],
  title: 'VACUUM progress',
  description: 'Running VACUUMs (manual and autovacuum): phase, blocks scanned and vacuumed.',
  sources: ['pg_stat_progress_vacuum'],
  notes: 'indexes_total / indexes_processed exist from 17.',
  columns: [
    ...common,
    { name: 'heap_blks_total', type: 'bigint' },
    { name: 'heap_blks_scanned', type: 'bigint' },
    { name: 'heap_blks_vacuumed', type: 'bigint' },
    { name: 'index_vacuum_count', type: 'bigint' },
    { name: 'indexes_total', type: 'bigint' },
    { name: 'indexes_processed', type: 'bigint' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT pid, datname::text, relid::bigint, phase, ${pct('heap_blks_scanned', 'heap_blks_total')},
                   heap_blks_total, heap_blks_scanned, heap_blks_vacuumed, index_vacuum_count,
                   NULL::bigint AS indexes_total, NULL::bigint AS indexes_processed
              FROM pg_stat_progress_vacuum`,
    },
    {
      minVersion: V17,
      sql: `SELECT pid, datname::text, relid::bigint, phase, ${pct('heap_blks_scanned', 'heap_blks_total')},
                   heap_blks_total, heap_blks_scanned, heap_blks_vacuumed, index_vacuum_count,
                   indexes_total, indexes_processed
              FROM pg_stat_progress_vacuum`,
    },
  ],
});

export const progressAnalyze = defineProbe({
  ...base,
  name: 'progress_analyze',
  needs: ['pg_read_all_stats'],
  title: 'ANALYZE progress',
  description: 'Running ANALYZEs: phase and sample blocks.',
  sources: ['pg_stat_progress_analyze'],
  columns: [
    ...common,
    { name: 'sample_blks_total', type: 'bigint' },
    { name: 'sample_blks_scanned', type: 'bigint' },
    { name: 'child_tables_total', type: 'bigint' },
    { name: 'child_tables_done', type: 'bigint' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT pid, datname::text, relid::bigint, phase, ${pct('sample_blks_scanned', 'sample_blks_total')},
                   sample_blks_total, sample_blks_scanned, child_tables_total, child_tables_done
              FROM pg_stat_progress_analyze`,
    },
  ],
});

export const progressCreateIndex = defineProbe({
  ...base,
  name: 'progress_create_index',
  needs: ['pg_read_all_stats'],
  title: 'CREATE INDEX / REINDEX progress',
  description: 'Running index builds: command, phase, blocks and tuples done.',
  sources: ['pg_stat_progress_create_index'],
  columns: [
    ...common,
    { name: 'index_relid', type: 'bigint' },
    { name: 'command', type: 'text' },
    { name: 'blocks_total', type: 'bigint' },
    { name: 'blocks_done', type: 'bigint' },
    { name: 'tuples_total', type: 'bigint' },
    { name: 'tuples_done', type: 'bigint' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT pid, datname::text, relid::bigint, phase, ${pct('blocks_done', 'blocks_total')},
                   index_relid::bigint, command, blocks_total, blocks_done, tuples_total, tuples_done
              FROM pg_stat_progress_create_index`,
    },
  ],
});

export const progressCluster = defineProbe({
  ...base,
  name: 'progress_cluster',
  needs: ['pg_read_all_stats'],
  title: 'CLUSTER / VACUUM FULL progress',
  description: 'Running table rewrites: command, phase and heap blocks scanned.',
  sources: ['pg_stat_progress_cluster'],
  columns: [
    ...common,
    { name: 'command', type: 'text' },
    { name: 'heap_blks_total', type: 'bigint' },
    { name: 'heap_blks_scanned', type: 'bigint' },
    { name: 'heap_tuples_written', type: 'bigint' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT pid, datname::text, relid::bigint, phase, ${pct('heap_blks_scanned', 'heap_blks_total')},
                   command, heap_blks_total, heap_blks_scanned, heap_tuples_written
              FROM pg_stat_progress_cluster`,
    },
  ],
});

export const progressBasebackup = defineProbe({
  ...base,
  name: 'progress_basebackup',
  needs: ['pg_read_all_stats'],
  title: 'Base backup progress',
  description: 'Running base backups (pg_basebackup, new standbys): phase and bytes streamed.',
  sources: ['pg_stat_progress_basebackup'],
  columns: [
    { name: 'pid', type: 'int', key: true },
    { name: 'phase', type: 'text' },
    { name: 'done_pct', type: 'double', unit: 'percent' },
    { name: 'backup_total', type: 'bigint', unit: 'bytes' },
    { name: 'backup_streamed', type: 'bigint', unit: 'bytes' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT pid, phase, ${pct('backup_streamed', 'backup_total')}, backup_total, backup_streamed
              FROM pg_stat_progress_basebackup`,
    },
  ],
});
