import { V14, defineProbe } from './define';

const DELTAS = [
  'calls',
  'plans',
  'rows',
  'shared_blks_hit',
  'shared_blks_read',
  'shared_blks_dirtied',
  'shared_blks_written',
  'temp_blks_read',
  'temp_blks_written',
  'wal_bytes',
] as const;
const TIME_DELTAS = [
  'total_exec_time',
  'total_plan_time',
  'blk_read_time',
  'blk_write_time',
] as const;

// interval_seconds is filled in by the delta step.
// pg_stat_statements(false) skips reading the query-text file: texts are fetched
// separately, only for queryids pgvigil has not stored yet.
// Planning and I/O times are zero unless pg_stat_statements.track_planning and
// track_io_timing are on: NULL says so, and costs no storage (a tenth of each row).
const PLANNING = `current_setting('pg_stat_statements.track_planning', true) = 'on'`;
const IO_TIMING = `current_setting('track_io_timing') = 'on'`;
const select = (readTime: string, writeTime: string) =>
  `SELECT NULL::double precision AS interval_seconds, queryid::text AS queryid, userid::bigint AS userid, dbid::bigint AS dbid, toplevel,
          calls, CASE WHEN ${PLANNING} THEN plans END AS plans, rows,
          shared_blks_hit, shared_blks_read, shared_blks_dirtied, shared_blks_written,
          temp_blks_read, temp_blks_written, wal_bytes::bigint AS wal_bytes, total_exec_time,
          CASE WHEN ${PLANNING} THEN total_plan_time END AS total_plan_time,
          CASE WHEN ${IO_TIMING} THEN ${readTime} END AS blk_read_time,
          CASE WHEN ${IO_TIMING} THEN ${writeTime} END AS blk_write_time,
          NULL::text AS plan_fingerprint,
          NULL::double precision AS window_exec_time
     FROM pg_stat_statements(false)
    WHERE queryid IS NOT NULL`;

export const statements = defineProbe({
  name: 'statements',
  needs: ['pg_read_all_stats'],
  title: 'Top queries (pg_stat_statements)',
  description:
    'pg_stat_statements read once per server without query texts, stored as deltas between runs for the statements that ran (the 50 with the most execution time, plus one "(others)" row with the rest), so a time window shows what happened in it. pgvigil never resets the view.',
  sources: ['pg_stat_statements(false)'],
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 7,
  requiresExtension: 'pg_stat_statements',
  mode: 'delta',
  deltaTopN: 50,
  rankBy: 'total_exec_time',
  timeoutMs: 10_000,
  notes:
    'Extension 1.11 (PostgreSQL 17) renamed blk_read_time / blk_write_time to shared_blk_read_time / shared_blk_write_time. The first run after a collector start only records a baseline.',
  columns: [
    // read as text, since queryids are 64-bit hashes beyond what a JS number holds
    // exactly, and stored as bigint; NULL on the "(others)" row
    { name: 'queryid', type: 'bigint', key: true },
    { name: 'userid', type: 'bigint', key: true },
    { name: 'dbid', type: 'bigint', key: true },
    { name: 'toplevel', type: 'boolean', key: true },
    ...DELTAS.map((name) => ({ name, type: 'bigint' as const, delta: true })),
    ...TIME_DELTAS.map((name) => ({
      name,
      type: 'double' as const,
      delta: true,
      unit: 'ms' as const,
    })),
    {
      name: 'interval_seconds',
      type: 'double',
      unit: 'seconds',
      perRun: true,
      description: 'time the deltas cover',
    },
    {
      name: 'plan_fingerprint',
      type: 'text',
      description:
        "the structural fingerprint of the statement's newest captured plan (NULL: none yet); filled in by the collector",
    },
    {
      name: 'window_exec_time',
      type: 'double',
      unit: 'ms',
      perRun: true,
      description:
        "the server's execution time in the window, all statements and the \"(others)\" row together, the same on each row of a window, so a row's share of it is its share of the server's time; filled in by the collector",
    },
  ],
  sql: [
    { minVersion: V14, sql: select('blk_read_time', 'blk_write_time') },
    {
      minVersion: V14,
      minExtensionVersion: '1.11',
      sql: select('shared_blk_read_time', 'shared_blk_write_time'),
    },
  ],
});

export const statementsInfo = defineProbe({
  name: 'statements_info',
  title: 'pg_stat_statements deallocations',
  description:
    'How often pg_stat_statements evicted entries (pg_stat_statements.max too small) and when it was last reset.',
  sources: ['pg_stat_statements_info'],
  scope: 'instance',
  intervalSeconds: 300,
  requiresExtension: 'pg_stat_statements',
  columns: [
    { name: 'dealloc', type: 'bigint', counter: true },
    { name: 'stats_reset', type: 'timestamptz' },
    { name: 'statements', type: 'int', unit: 'count' },
    { name: 'max_statements', type: 'int', unit: 'count' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT dealloc, stats_reset,
                   (SELECT count(*)::int FROM pg_stat_statements(false)) AS statements,
                   current_setting('pg_stat_statements.max')::int AS max_statements
              FROM pg_stat_statements_info`,
    },
  ],
});
