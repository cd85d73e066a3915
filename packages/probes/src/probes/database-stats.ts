import type { ColumnDef } from '../types';
import { V14, V16, V18, defineProbe } from './define';

const counters = (names: string[], unit?: ColumnDef['unit']): ColumnDef[] =>
  names.map((name) => ({ name, type: 'bigint', counter: true, ...(unit ? { unit } : {}) }));
const msCounters = (names: string[]): ColumnDef[] =>
  names.map((name) => ({ name, type: 'double', counter: true, unit: 'ms' }));

export const databaseStats = defineProbe({
  name: 'database_stats',
  title: 'Database throughput',
  description:
    'pg_stat_database for every database, read once per server: commits, rollbacks, blocks, tuples, temp files, deadlocks, conflicts, checksum failures and session times.',
  sources: ['pg_stat_database'],
  scope: 'instance',
  intervalSeconds: 60,
  // an idle database (no session, no transaction) repeats itself every minute
  sparse: { keyframeSeconds: 300 },
  notes: 'parallel_workers_to_launch / parallel_workers_launched exist from 18.',
  columns: [
    { name: 'datname', type: 'text', key: true },
    { name: 'numbackends', type: 'int', unit: 'count' },
    ...counters([
      'xact_commit',
      'xact_rollback',
      'blks_read',
      'blks_hit',
      'tup_returned',
      'tup_fetched',
      'tup_inserted',
      'tup_updated',
      'tup_deleted',
      'conflicts',
      'temp_files',
      'deadlocks',
      'checksum_failures',
      'sessions',
      'sessions_abandoned',
      'sessions_fatal',
      'sessions_killed',
      'parallel_workers_to_launch',
      'parallel_workers_launched',
    ]),
    ...counters(['temp_bytes'], 'bytes'),
    ...msCounters([
      'blk_read_time',
      'blk_write_time',
      'session_time',
      'active_time',
      'idle_in_transaction_time',
    ]),
    { name: 'stats_reset', type: 'timestamptz' },
  ],
  sql: [V14, V18].map((minVersion) => ({
    minVersion,
    sql: `SELECT coalesce(datname, '(shared)')::text AS datname, numbackends, xact_commit, xact_rollback,
                 blks_read, blks_hit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
                 conflicts, temp_files, temp_bytes, deadlocks, checksum_failures,
                 blk_read_time, blk_write_time, session_time, active_time, idle_in_transaction_time,
                 sessions, sessions_abandoned, sessions_fatal, sessions_killed,
                 ${minVersion >= V18 ? 'parallel_workers_to_launch, parallel_workers_launched' : 'NULL::bigint AS parallel_workers_to_launch, NULL::bigint AS parallel_workers_launched'},
                 stats_reset
            FROM pg_stat_database`,
  })),
});

export const databaseConflicts = defineProbe({
  name: 'database_conflicts',
  title: 'Recovery conflicts',
  description: 'Queries cancelled on a standby by recovery conflicts, per database and cause.',
  sources: ['pg_stat_database_conflicts'],
  scope: 'instance',
  intervalSeconds: 60,
  // conflicts happen on standbys only, and rarely: the counters hardly ever move
  sparse: { keyframeSeconds: 300 },
  notes: 'confl_active_logicalslot exists from 16.',
  columns: [
    { name: 'datname', type: 'text', key: true },
    ...counters([
      'confl_tablespace',
      'confl_lock',
      'confl_snapshot',
      'confl_bufferpin',
      'confl_deadlock',
      'confl_active_logicalslot',
    ]),
  ],
  sql: [V14, V16].map((minVersion) => ({
    minVersion,
    sql: `SELECT datname::text, confl_tablespace, confl_lock, confl_snapshot, confl_bufferpin, confl_deadlock,
                 ${minVersion >= V16 ? 'confl_active_logicalslot' : 'NULL::bigint AS confl_active_logicalslot'}
            FROM pg_stat_database_conflicts`,
  })),
});

export const databaseSize = defineProbe({
  name: 'database_size',
  title: 'Database size',
  description:
    'Size of each database. pg_database_size() stats every file, so this runs every 10 minutes, not every minute.',
  sources: ['pg_database', 'pg_database_size()'],
  scope: 'instance',
  intervalSeconds: 600,
  retentionDays: 90,
  columns: [
    { name: 'datname', type: 'text', key: true },
    {
      name: 'datid',
      type: 'bigint',
      key: true,
      description: 'the database oid: names the dbid of statements',
    },
    { name: 'size_bytes', type: 'bigint', unit: 'bytes' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT datname::text, oid::bigint AS datid,
                   CASE WHEN has_database_privilege(oid, 'CONNECT')
                          OR pg_has_role('pg_read_all_stats', 'MEMBER')
                        THEN pg_database_size(oid) END AS size_bytes
              FROM pg_database WHERE NOT datistemplate`,
    },
  ],
});

export const wraparound = defineProbe({
  name: 'wraparound',
  title: 'Transaction ID and multixact age',
  description:
    'XID and multixact age per database, as % of the 2^31 wraparound limit and of the autovacuum emergency (freeze_max_age) thresholds.',
  sources: ['pg_database', 'age()', 'mxid_age()'],
  scope: 'instance',
  intervalSeconds: 300,
  retentionDays: 90,
  columns: [
    { name: 'datname', type: 'text', key: true },
    { name: 'xid_age', type: 'bigint', unit: 'xid' },
    { name: 'mxid_age', type: 'bigint', unit: 'xid' },
    { name: 'xid_wraparound_pct', type: 'double', unit: 'percent' },
    { name: 'xid_emergency_pct', type: 'double', unit: 'percent' },
    { name: 'mxid_wraparound_pct', type: 'double', unit: 'percent' },
    { name: 'mxid_emergency_pct', type: 'double', unit: 'percent' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT datname::text, age(datfrozenxid)::bigint AS xid_age, mxid_age(datminmxid)::bigint AS mxid_age,
                   100.0 * age(datfrozenxid) / 2147483648 AS xid_wraparound_pct,
                   100.0 * age(datfrozenxid) / current_setting('autovacuum_freeze_max_age')::bigint AS xid_emergency_pct,
                   100.0 * mxid_age(datminmxid) / 2147483648 AS mxid_wraparound_pct,
                   100.0 * mxid_age(datminmxid) / current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_emergency_pct
              FROM pg_database`,
    },
  ],
});
