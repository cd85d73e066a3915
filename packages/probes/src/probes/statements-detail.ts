import type { ColumnDef } from '../types';
import { V14, V15, V17, defineProbe } from './define';

// Distributions and rarer counters of pg_stat_statements, since its last reset, for the
// top statements by execution time: what the query page shows beside the per-minute
// deltas of `statements`. Planning times exist only with track_planning, I/O times only
// with track_io_timing: NULL says so.
const PLANNING = `current_setting('pg_stat_statements.track_planning', true) = 'on'`;
const IO_TIMING = `current_setting('track_io_timing') = 'on'`;
const ms = (name: string): ColumnDef => ({ name, type: 'double', unit: 'ms' });
const count = (name: string): ColumnDef => ({ name, type: 'bigint', unit: 'count' });

const plan = (c: string) => `CASE WHEN ${PLANNING} THEN ${c} END AS ${c}`;
const io = (c: string) => `CASE WHEN ${IO_TIMING} THEN ${c} END AS ${c}`;
const none = (c: string, type: 'double precision' | 'bigint') => `NULL::${type} AS ${c}`;

const JIT = ['functions', 'inlining', 'optimization', 'emission', 'deform'] as const;
const jitCount = (k: (typeof JIT)[number]) =>
  k === 'functions' ? 'jit_functions' : `jit_${k}_count`;
const jitTime = (k: (typeof JIT)[number]) =>
  k === 'functions' ? 'jit_generation_time' : `jit_${k}_time`;

/** The SELECT for one extension generation: which of the later columns it has. */
function select(has: { tempTimes: boolean; jit: boolean; local: boolean }) {
  const jit = JIT.flatMap((k) =>
    has.jit && (k !== 'deform' || has.local)
      ? [
          `${jitCount(k)}::bigint AS ${jitCount(k)}`,
          `${jitTime(k)}::double precision AS ${jitTime(k)}`,
        ]
      : [none(jitCount(k), 'bigint'), none(jitTime(k), 'double precision')],
  );
  return `SELECT queryid::text AS queryid, userid::bigint AS userid, dbid::bigint AS dbid, toplevel, calls, CASE WHEN ${PLANNING} THEN plans END AS plans,
          min_exec_time, max_exec_time, mean_exec_time, stddev_exec_time,
          ${['min', 'max', 'mean', 'stddev'].map((s) => plan(`${s}_plan_time`)).join(', ')},
          wal_records, wal_fpi, wal_bytes::bigint AS wal_bytes,
          ${(has.tempTimes ? ['temp_blk_read_time', 'temp_blk_write_time'].map(io) : ['temp_blk_read_time', 'temp_blk_write_time'].map((c) => none(c, 'double precision'))).join(', ')},
          ${(has.local ? ['local_blk_read_time', 'local_blk_write_time'].map(io) : ['local_blk_read_time', 'local_blk_write_time'].map((c) => none(c, 'double precision'))).join(', ')},
          ${jit.join(', ')}
     FROM pg_stat_statements(false)
    WHERE queryid IS NOT NULL
    ORDER BY total_exec_time DESC
    LIMIT 50`;
}

export const statementsDetail = defineProbe({
  name: 'statements_detail',
  needs: ['pg_read_all_stats'],
  title: 'Statement detail (pg_stat_statements)',
  description:
    'For the 50 statements with the most execution time since the last reset: min / max / mean / stddev of execution and planning time, WAL records, full-page images and bytes, temp and local block I/O times and JIT counts and times, as the query page shows them.',
  sources: ['pg_stat_statements(false)'],
  scope: 'instance',
  intervalSeconds: 300,
  retentionDays: 7,
  requiresExtension: 'pg_stat_statements',
  timeoutMs: 10_000,
  notes:
    'Planning times need pg_stat_statements.track_planning, I/O times track_io_timing. Extension 1.10 (PostgreSQL 15) adds temp block I/O times and JIT; 1.11 (17) local block I/O times and JIT deform. Absent ones are NULL.',
  columns: [
    { name: 'queryid', type: 'bigint', key: true },
    { name: 'userid', type: 'bigint', key: true },
    { name: 'dbid', type: 'bigint', key: true },
    { name: 'toplevel', type: 'boolean', key: true },
    count('calls'),
    count('plans'),
    ...['exec', 'plan'].flatMap((k) =>
      ['min', 'max', 'mean', 'stddev'].map((s) => ms(`${s}_${k}_time`)),
    ),
    count('wal_records'),
    count('wal_fpi'),
    { name: 'wal_bytes', type: 'bigint', unit: 'bytes' },
    ms('temp_blk_read_time'),
    ms('temp_blk_write_time'),
    ms('local_blk_read_time'),
    ms('local_blk_write_time'),
    ...JIT.flatMap((k) => [count(jitCount(k)), ms(jitTime(k))]),
  ],
  sql: [
    { minVersion: V14, sql: select({ tempTimes: false, jit: false, local: false }) },
    {
      minVersion: V15,
      minExtensionVersion: '1.10',
      sql: select({ tempTimes: true, jit: true, local: false }),
    },
    {
      minVersion: V17,
      minExtensionVersion: '1.11',
      sql: select({ tempTimes: true, jit: true, local: true }),
    },
  ],
});
