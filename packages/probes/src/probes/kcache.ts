import type { ColumnDef } from '../types';
import { V14, defineProbe } from './define';

// pg_stat_kcache's counters per statement: getrusage() around each execution (and planning,
// with track_planning), so CPU time and the bytes the kernel really read from and wrote to
// storage, not the shared-buffer misses pg_stat_statements counts. Joined to
// pg_stat_statements(false) (no query texts) so only statements it still tracks are kept.
const CPU = ['user_time', 'system_time'] as const;
const BYTES = ['reads', 'writes'] as const;
const COUNTS = ['minflts', 'majflts', 'nvcsws', 'nivcsws'] as const;

/** 2.2 splits every counter into plan_ and exec_ and adds `top`; before, one counter each. */
function select(split: boolean) {
  const sum = (c: string) => (split ? `(k.plan_${c} + k.exec_${c})` : `k.${c}`);
  return `SELECT NULL::double precision AS interval_seconds, k.queryid::text AS queryid,
          k.userid::bigint AS userid, k.dbid::bigint AS dbid, ${split ? 'k.top' : 'true'} AS toplevel,
          ${CPU.map((c) => `${sum(c)} * 1000 AS ${c}`).join(', ')},
          ${[...BYTES, ...COUNTS].map((c) => `${sum(c)}::bigint AS ${c}`).join(', ')}
     FROM pg_stat_kcache() k
    WHERE EXISTS (SELECT 1 FROM pg_stat_statements(false) s
                   WHERE s.queryid = k.queryid AND s.userid = k.userid AND s.dbid = k.dbid
                     AND s.toplevel = ${split ? 'k.top' : 'true'})`;
}

const delta = (name: string, unit: ColumnDef['unit'], description: string): ColumnDef => ({
  name,
  type: unit === 'ms' ? 'double' : 'bigint',
  delta: true,
  unit,
  description,
});

export const statementsKcache = defineProbe({
  name: 'statements_kcache',
  needs: ['pg_read_all_stats'],
  title: 'CPU and real I/O per statement (pg_stat_kcache)',
  description:
    'pg_stat_kcache read once per server, joined to pg_stat_statements by queryid, role and database: CPU time (user and system), bytes really read from and written to storage (not the page cache), page faults and context switches, planning and execution together, stored as deltas between runs for the 50 statements with the most CPU time plus one "(others)" row. The query page splits a statement\'s time into CPU and the rest (I/O and waits).',
  sources: ['pg_stat_kcache()', 'pg_stat_statements(false)'],
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 7,
  requiresExtension: 'pg_stat_kcache',
  preloaded: true,
  mode: 'delta',
  deltaTopN: 50,
  rankBy: 'user_time',
  rollups: false,
  timeoutMs: 10_000,
  notes:
    "Needs pg_stat_kcache in shared_preload_libraries (after pg_stat_statements) and CREATE EXTENSION pg_stat_kcache in the maintenance database. Version 2.2 counts planning apart (summed here) and nested statements apart (toplevel); before 2.2 every row is toplevel. Reads and writes are what the kernel reports: 0 on a page-cache hit, and only where the platform's getrusage() fills them (Linux does).",
  columns: [
    { name: 'queryid', type: 'bigint', key: true },
    { name: 'userid', type: 'bigint', key: true },
    { name: 'dbid', type: 'bigint', key: true },
    { name: 'toplevel', type: 'boolean', key: true },
    delta('user_time', 'ms', 'CPU time in user mode'),
    delta('system_time', 'ms', 'CPU time in the kernel'),
    delta('reads', 'bytes', 'bytes read from storage (page-cache misses)'),
    delta('writes', 'bytes', 'bytes written to storage'),
    delta('minflts', 'count', 'page reclaims (soft page faults)'),
    delta('majflts', 'count', 'page faults that read from storage'),
    delta('nvcsws', 'count', 'voluntary context switches (waits)'),
    delta('nivcsws', 'count', 'involuntary context switches (preempted)'),
    {
      name: 'interval_seconds',
      type: 'double',
      unit: 'seconds',
      description: 'time the deltas cover',
    },
  ],
  sql: [
    { minVersion: V14, sql: select(false) },
    { minVersion: V14, minExtensionVersion: '2.2', sql: select(true) },
  ],
});
