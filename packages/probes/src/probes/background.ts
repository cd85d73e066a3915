import { V14, V16, V17, V18, defineProbe } from './define';

export const bgwriter = defineProbe({
  name: 'bgwriter',
  title: 'Background writer',
  description: 'Buffers written by the background writer and allocated; backend writes before 17.',
  sources: ['pg_stat_bgwriter'],
  scope: 'instance',
  intervalSeconds: 60,
  notes: '17 moved checkpoint columns to pg_stat_checkpointer and backend writes to pg_stat_io.',
  columns: [
    { name: 'buffers_clean', type: 'bigint', counter: true },
    { name: 'maxwritten_clean', type: 'bigint', counter: true },
    { name: 'buffers_alloc', type: 'bigint', counter: true },
    { name: 'buffers_backend', type: 'bigint', counter: true },
    { name: 'buffers_backend_fsync', type: 'bigint', counter: true },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT buffers_clean, maxwritten_clean, buffers_alloc, buffers_backend, buffers_backend_fsync
              FROM pg_stat_bgwriter`,
    },
    {
      minVersion: V17,
      sql: `SELECT buffers_clean, maxwritten_clean, buffers_alloc,
                   NULL::bigint AS buffers_backend, NULL::bigint AS buffers_backend_fsync
              FROM pg_stat_bgwriter`,
    },
  ],
});

export const checkpointer = defineProbe({
  name: 'checkpointer',
  title: 'Checkpoints',
  description: 'Timed and requested checkpoints, restartpoints, write/sync time, buffers written.',
  sources: ['pg_stat_checkpointer (17+)', 'pg_stat_bgwriter (14-16)'],
  scope: 'instance',
  intervalSeconds: 60,
  notes:
    'Read from pg_stat_bgwriter before 17; restartpoints from 17; num_done and slru_written from 18.',
  columns: [
    { name: 'num_timed', type: 'bigint', counter: true },
    { name: 'num_requested', type: 'bigint', counter: true },
    { name: 'num_done', type: 'bigint', counter: true },
    { name: 'restartpoints_timed', type: 'bigint', counter: true },
    { name: 'restartpoints_req', type: 'bigint', counter: true },
    { name: 'restartpoints_done', type: 'bigint', counter: true },
    { name: 'write_time', type: 'double', counter: true, unit: 'ms' },
    { name: 'sync_time', type: 'double', counter: true, unit: 'ms' },
    { name: 'buffers_written', type: 'bigint', counter: true },
    { name: 'slru_written', type: 'bigint', counter: true },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT checkpoints_timed AS num_timed, checkpoints_req AS num_requested, NULL::bigint AS num_done,
                   NULL::bigint AS restartpoints_timed, NULL::bigint AS restartpoints_req,
                   NULL::bigint AS restartpoints_done, checkpoint_write_time AS write_time,
                   checkpoint_sync_time AS sync_time, buffers_checkpoint AS buffers_written,
                   NULL::bigint AS slru_written
              FROM pg_stat_bgwriter`,
    },
    {
      minVersion: V17,
      sql: `SELECT num_timed, num_requested, NULL::bigint AS num_done, restartpoints_timed, restartpoints_req,
                   restartpoints_done, write_time, sync_time, buffers_written, NULL::bigint AS slru_written
              FROM pg_stat_checkpointer`,
    },
    {
      minVersion: V18,
      sql: `SELECT num_timed, num_requested, num_done, restartpoints_timed, restartpoints_req,
                   restartpoints_done, write_time, sync_time, buffers_written, slru_written
              FROM pg_stat_checkpointer`,
    },
  ],
});

export const wal = defineProbe({
  name: 'wal',
  title: 'WAL generation',
  description:
    'WAL records, full-page images, bytes and buffer-full events; the current LSN as a byte counter gives the WAL rate.',
  sources: ['pg_stat_wal', 'pg_current_wal_lsn()'],
  scope: 'instance',
  intervalSeconds: 60,
  notes: '18 removed wal_write, wal_sync and their timings from pg_stat_wal (now in pg_stat_io).',
  columns: [
    { name: 'in_recovery', type: 'boolean' },
    { name: 'lsn_bytes', type: 'bigint', counter: true, unit: 'bytes' },
    { name: 'wal_records', type: 'bigint', counter: true },
    { name: 'wal_fpi', type: 'bigint', counter: true },
    { name: 'wal_bytes', type: 'bigint', counter: true, unit: 'bytes' },
    { name: 'wal_buffers_full', type: 'bigint', counter: true },
    { name: 'wal_write', type: 'bigint', counter: true },
    { name: 'wal_sync', type: 'bigint', counter: true },
    { name: 'wal_write_time', type: 'double', counter: true, unit: 'ms' },
    { name: 'wal_sync_time', type: 'double', counter: true, unit: 'ms' },
  ],
  sql: [V14, V18].map((minVersion) => ({
    minVersion,
    sql: `SELECT pg_is_in_recovery() AS in_recovery,
                 pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                                      ELSE pg_current_wal_lsn() END, '0/0')::bigint AS lsn_bytes,
                 wal_records, wal_fpi, wal_bytes::bigint, wal_buffers_full,
                 ${
                   minVersion >= V18
                     ? 'NULL::bigint AS wal_write, NULL::bigint AS wal_sync, NULL::double precision AS wal_write_time, NULL::double precision AS wal_sync_time'
                     : 'wal_write, wal_sync, wal_write_time, wal_sync_time'
                 }
            FROM pg_stat_wal`,
  })),
});

export const walDirectory = defineProbe({
  name: 'wal_directory',
  needs: ['pg_ls_waldir'],
  title: 'WAL directory size',
  description: 'Files and bytes in pg_wal; growth means archiving or a slot is holding WAL.',
  sources: ['pg_ls_waldir()'],
  scope: 'instance',
  intervalSeconds: 300,
  columns: [
    { name: 'files', type: 'int', unit: 'count' },
    { name: 'size_bytes', type: 'bigint', unit: 'bytes' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT count(*)::int AS files, coalesce(sum(size), 0)::bigint AS size_bytes FROM pg_ls_waldir()`,
    },
  ],
});

export const archiver = defineProbe({
  name: 'archiver',
  needs: ['pg_ls_archive_statusdir'],
  title: 'WAL archiver',
  description:
    'Archived and failed counts, whether archiving is failing now, age of the last success and the .ready backlog.',
  sources: ['pg_stat_archiver', 'pg_ls_archive_statusdir()'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'archive_mode', type: 'text' },
    { name: 'archived_count', type: 'bigint', counter: true },
    { name: 'failed_count', type: 'bigint', counter: true },
    { name: 'failing', type: 'boolean' },
    { name: 'last_archived_time', type: 'timestamptz' },
    { name: 'last_failed_time', type: 'timestamptz' },
    { name: 'last_success_age_seconds', type: 'double', unit: 'seconds' },
    { name: 'ready_files', type: 'int', unit: 'count' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT current_setting('archive_mode') AS archive_mode, archived_count, failed_count,
                   coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), false) AS failing,
                   last_archived_time, last_failed_time,
                   extract(epoch FROM now() - last_archived_time)::double precision AS last_success_age_seconds,
                   (SELECT count(*)::int FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') AS ready_files
              FROM pg_stat_archiver`,
    },
  ],
});

const ioCounters = [
  'reads',
  'writes',
  'writebacks',
  'extends',
  'hits',
  'evictions',
  'reuses',
  'fsyncs',
] as const;
const ioTimes = ['read_time', 'write_time', 'writeback_time', 'extend_time', 'fsync_time'] as const;

export const io = defineProbe({
  name: 'io',
  title: 'I/O by backend type, object and context',
  description:
    'pg_stat_io: reads, writes, extends, hits, evictions and fsyncs with timings and bytes, per backend type, object and context (rows with no activity are skipped).',
  sources: ['pg_stat_io'],
  scope: 'instance',
  intervalSeconds: 60,
  minServerVersion: V16,
  // most backend types and contexts do no I/O in a given minute
  sparse: { keyframeSeconds: 300 },
  notes:
    '16+. 18 replaced op_bytes with read_bytes / write_bytes / extend_bytes and added WAL I/O.',
  columns: [
    { name: 'backend_type', type: 'text', key: true },
    { name: 'object', type: 'text', key: true },
    { name: 'context', type: 'text', key: true },
    ...ioCounters.map((name) => ({ name, type: 'bigint' as const, counter: true })),
    ...ioTimes.map((name) => ({
      name,
      type: 'double' as const,
      counter: true,
      unit: 'ms' as const,
    })),
    ...['read_bytes', 'write_bytes', 'extend_bytes'].map((name) => ({
      name,
      type: 'bigint' as const,
      counter: true,
      unit: 'bytes' as const,
    })),
  ],
  sql: [V16, V18].map((minVersion) => ({
    minVersion,
    sql: `SELECT backend_type, object, context, ${[...ioCounters, ...ioTimes].join(', ')},
                 ${
                   minVersion >= V18
                     ? 'read_bytes::bigint, write_bytes::bigint, extend_bytes::bigint'
                     : '(reads * op_bytes)::bigint AS read_bytes, (writes * op_bytes)::bigint AS write_bytes, (extends * op_bytes)::bigint AS extend_bytes'
                 }
            FROM pg_stat_io
           WHERE coalesce(reads, 0) + coalesce(writes, 0) + coalesce(extends, 0) + coalesce(hits, 0)
                 + coalesce(fsyncs, 0) > 0`,
  })),
});

export const slru = defineProbe({
  name: 'slru',
  sparse: { keyframeSeconds: 3600 },
  title: 'SLRU caches',
  description: 'Hits, reads and writes of the SLRU caches (commit timestamps, multixacts, ...).',
  sources: ['pg_stat_slru'],
  scope: 'instance',
  intervalSeconds: 300,
  columns: [
    { name: 'name', type: 'text', key: true },
    ...[
      'blks_zeroed',
      'blks_hit',
      'blks_read',
      'blks_written',
      'blks_exists',
      'flushes',
      'truncates',
    ].map((name) => ({ name, type: 'bigint' as const, counter: true })),
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT name, blks_zeroed, blks_hit, blks_read, blks_written, blks_exists, flushes, truncates
              FROM pg_stat_slru`,
    },
  ],
});

export const connectionSecurity = defineProbe({
  name: 'connection_security',
  needs: ['pg_read_all_stats'],
  title: 'Connection security',
  description: 'Client sessions by transport: SSL (with protocol version), GSSAPI, or plain.',
  sources: ['pg_stat_ssl', 'pg_stat_gssapi', 'pg_stat_activity'],
  scope: 'instance',
  intervalSeconds: 300,
  columns: [
    { name: 'transport', type: 'text', key: true },
    { name: 'protocol', type: 'text', key: true },
    { name: 'sessions', type: 'int', unit: 'count' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT CASE WHEN s.ssl THEN 'ssl' WHEN g.encrypted THEN 'gssapi'
                        WHEN a.client_addr IS NULL THEN 'local' ELSE 'plain' END AS transport,
                   coalesce(s.version, '') AS protocol, count(*)::int AS sessions
              FROM pg_stat_activity a
              LEFT JOIN pg_stat_ssl s ON s.pid = a.pid
              LEFT JOIN pg_stat_gssapi g ON g.pid = a.pid
             WHERE a.backend_type = 'client backend'
             GROUP BY 1, 2`,
    },
  ],
});
