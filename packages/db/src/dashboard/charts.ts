/**
 * The server page's charts as data: which probe table and columns each reads, how
 * rows of different keys combine, and the unit the axis shows. Counters arrive as
 * per-second rates from the metrics layer.
 */
export const CHART_UNITS = [
  'per_second',
  'bytes_per_second',
  'count',
  'percent',
  'bytes',
  'ms',
] as const;
export type ChartUnit = (typeof CHART_UNITS)[number];

export interface ChartDef {
  id: string;
  title: string;
  probe: string;
  columns: readonly string[];
  unit: ChartUnit;
  /** key column whose values become separate series (e.g. session state) */
  splitBy?: string;
  /** how rows with different keys add up into one series */
  combine: 'sum' | 'avg';
  stacked?: boolean;
  unavailableHint: string;
}

const NO_DB_STATS =
  'No database statistics collected yet: check the server is enabled and the collector is running.';

export const CHART_IDS = [
  'tps',
  'commits_rollbacks',
  'sessions',
  'wait_events',
  'cache_hit',
  'tuples',
  'temp',
  'wal',
  'checkpoints',
  'io',
  'replication_lag',
] as const;
export type ChartId = (typeof CHART_IDS)[number];

export const CHARTS: Record<ChartId, ChartDef> = {
  tps: {
    id: 'tps',
    title: 'Transactions per second',
    probe: 'pg_stat_database',
    columns: ['xact_commit'],
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: NO_DB_STATS,
  },
  commits_rollbacks: {
    id: 'commits_rollbacks',
    title: 'Commits and rollbacks',
    probe: 'pg_stat_database',
    columns: ['xact_commit', 'xact_rollback'],
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: NO_DB_STATS,
  },
  sessions: {
    id: 'sessions',
    title: 'Sessions by state',
    probe: 'pg_stat_activity',
    columns: ['count'],
    splitBy: 'state',
    unit: 'count',
    combine: 'sum',
    stacked: true,
    unavailableHint:
      'No session samples yet: pgvigil needs pg_monitor (or pg_read_all_stats) to see other sessions.',
  },
  wait_events: {
    id: 'wait_events',
    title: 'Wait events (sampled sessions)',
    probe: 'pg_stat_activity',
    columns: ['count'],
    splitBy: 'wait_event_type',
    unit: 'count',
    combine: 'sum',
    stacked: true,
    unavailableHint: 'No session samples yet: wait events come from the sampled sessions.',
  },
  cache_hit: {
    id: 'cache_hit',
    title: 'Buffer reads: cache hits vs disk',
    probe: 'pg_stat_database',
    columns: ['blks_hit', 'blks_read'],
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: NO_DB_STATS,
  },
  tuples: {
    id: 'tuples',
    title: 'Tuples',
    probe: 'pg_stat_database',
    columns: ['tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted'],
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: NO_DB_STATS,
  },
  temp: {
    id: 'temp',
    title: 'Temporary files',
    probe: 'pg_stat_database',
    columns: ['temp_bytes'],
    unit: 'bytes_per_second',
    combine: 'sum',
    unavailableHint: NO_DB_STATS,
  },
  wal: {
    id: 'wal',
    title: 'WAL written',
    probe: 'pg_stat_wal',
    columns: ['wal_bytes'],
    unit: 'bytes_per_second',
    combine: 'sum',
    unavailableHint: 'No WAL statistics yet (pg_stat_wal).',
  },
  checkpoints: {
    id: 'checkpoints',
    title: 'Checkpoints',
    probe: 'pg_stat_checkpointer',
    columns: ['num_timed', 'num_requested'],
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: 'No checkpointer statistics yet.',
  },
  io: {
    id: 'io',
    title: 'I/O (pg_stat_io)',
    probe: 'pg_stat_io',
    columns: ['reads', 'writes'],
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: 'pg_stat_io needs PostgreSQL 16 or later.',
  },
  replication_lag: {
    id: 'replication_lag',
    title: 'Replication lag',
    probe: 'pg_stat_replication',
    columns: ['replay_lag_bytes'],
    splitBy: 'application_name',
    unit: 'bytes',
    combine: 'sum',
    unavailableHint: 'No standby is streaming from this server.',
  },
};
