import type { MetricSpec } from '@pgvigil/db/metrics';

// Probe specs the dashboard tests write samples for (packages/db cannot import
// packages/probes, which depends on it): only the columns the reads under test use.

// The database_stats columns the dashboard reads: one row per database, read once per server.
export const DATABASE_STATS: MetricSpec = {
  name: 'database_stats',
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 7,
  changeTracked: false,
  columns: [
    { name: 'datname', type: 'text', key: true },
    { name: 'xact_commit', type: 'bigint', counter: true },
    { name: 'xact_rollback', type: 'bigint', counter: true },
    { name: 'deadlocks', type: 'bigint', counter: true },
    { name: 'blks_hit', type: 'bigint', counter: true },
    { name: 'blks_read', type: 'bigint', counter: true },
  ],
};

// The statements probe's delta columns the query page reads.
export const STATEMENT_DELTAS: MetricSpec = {
  name: 'statements',
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 7,
  changeTracked: false,
  columns: [
    { name: 'queryid', type: 'text', key: true },
    { name: 'userid', type: 'bigint', key: true },
    { name: 'dbid', type: 'bigint', key: true },
    ...[
      'calls',
      'rows',
      'shared_blks_hit',
      'shared_blks_read',
      'temp_blks_read',
      'temp_blks_written',
    ].map((name) => ({ name, type: 'bigint' as const })),
    { name: 'total_exec_time', type: 'double' },
    { name: 'interval_seconds', type: 'double' },
  ],
};
