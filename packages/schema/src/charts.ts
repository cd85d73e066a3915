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
  /** key column naming the database, for instance-scope probes read once per server */
  databaseKey?: string;
  /** how rows with different keys add up into one series */
  combine: 'sum' | 'avg';
  stacked?: boolean;
  /** a per-object chart (table or index page): the key column naming the object */
  objectKey?: 'relname' | 'indexrelname';
  /**
   * What legends and tooltips call each series, with its unit when the axis alone
   * would not say it ("commits/s", "dead tuples"): every column, and the split
   * values that need words. A series without a label shows its name.
   */
  labels: Readonly<Record<string, string>>;
  unavailableHint: string;
  /** why a window has no point yet, when the probe is slower than once a minute */
  emptyHint?: string;
}

/** A series' human label: its chart's label for it, else its name (a state, a standby). */
export function seriesLabel(chart: Pick<ChartDef, 'labels'>, series: string): string {
  return chart.labels[series] ?? series;
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
  'buffercache_databases',
  'buffercache_dirty',
  'buffercache_usage',
  'table_size',
  'table_scans',
  'table_rows',
  'table_dead',
  'table_maintenance',
  'table_io',
  'index_scans',
  'index_size',
  'index_io',
  'pgbouncer_clients',
  'pgbouncer_servers',
  'pgbouncer_utilisation',
  'pgbouncer_traffic',
  'pgbouncer_bytes',
] as const;
export type ChartId = (typeof CHART_IDS)[number];

const stats = { probe: 'database_stats', databaseKey: 'datname', combine: 'sum' } as const;
const table = {
  probe: 'tables',
  objectKey: 'relname',
  combine: 'sum',
  unavailableHint: 'No table statistics yet: the collector samples tables every 10 minutes.',
  emptyHint:
    'Nothing in this window yet: tables are sampled every 10 minutes, and a rate needs two samples.',
} as const;
const index = {
  probe: 'indexes',
  objectKey: 'indexrelname',
  combine: 'sum',
  unavailableHint: 'No index statistics yet: the collector samples indexes every 15 minutes.',
  emptyHint:
    'Nothing in this window yet: indexes are sampled every 15 minutes, and a rate needs two samples.',
} as const;
const ioHint = (what: string, minutes: number) =>
  ({
    combine: 'sum',
    unavailableHint: `No block I/O statistics for ${what} yet: the collector samples them every ${minutes} minutes.`,
    emptyHint: `Nothing in this window yet: ${what} block I/O is sampled every ${minutes} minutes, and a rate needs two samples.`,
  }) as const;
const tableIo = { probe: 'table_io', objectKey: 'relname', ...ioHint('tables', 10) } as const;
const indexIo = { probe: 'index_io', objectKey: 'indexrelname', ...ioHint('indexes', 15) } as const;
const pools = {
  probe: 'pgbouncer_pools',
  combine: 'sum',
  unavailableHint: 'No pool samples yet: check the pooler is enabled and its console answers.',
} as const;
const poolerStats = {
  probe: 'pgbouncer_stats',
  combine: 'sum',
  unavailableHint: 'No traffic samples yet: check the pooler is enabled and its console answers.',
  emptyHint: 'Nothing in this window yet: a rate needs two samples.',
} as const;
const buffercache = {
  probe: 'buffercache_databases',
  unit: 'count',
  combine: 'sum',
  stacked: true,
  unavailableHint:
    'No pg_buffercache samples: CREATE EXTENSION pg_buffercache in the database pgvigil connects to.',
  emptyHint: 'Nothing in this window yet: shared buffers are sampled hourly by database.',
} as const;
const sessions =
  'No session samples yet: pgvigil needs pg_monitor (or pg_read_all_stats) to see other sessions.';

export const CHARTS: Record<ChartId, ChartDef> = {
  tps: {
    id: 'tps',
    title: 'Transactions per second',
    ...stats,
    columns: ['xact_commit', 'xact_rollback'],
    labels: { xact_commit: 'commits/s', xact_rollback: 'rollbacks/s' },
    unit: 'per_second',
    stacked: true,
    unavailableHint: NO_DB_STATS,
  },
  commits_rollbacks: {
    id: 'commits_rollbacks',
    title: 'Rollbacks and deadlocks',
    ...stats,
    columns: ['xact_rollback', 'deadlocks'],
    labels: { xact_rollback: 'rollbacks/s', deadlocks: 'deadlocks/s' },
    unit: 'per_second',
    unavailableHint: NO_DB_STATS,
  },
  sessions: {
    id: 'sessions',
    title: 'Sessions by state',
    probe: 'activity_summary',
    columns: ['sessions'],
    labels: { unknown: 'state unknown' },
    splitBy: 'state',
    unit: 'count',
    combine: 'sum',
    stacked: true,
    unavailableHint: sessions,
  },
  wait_events: {
    id: 'wait_events',
    title: 'Wait events (sampled sessions)',
    probe: 'activity_summary',
    columns: ['sessions'],
    labels: { none: 'not waiting (on CPU)' },
    splitBy: 'wait_event_type',
    unit: 'count',
    combine: 'sum',
    stacked: true,
    unavailableHint: sessions,
  },
  cache_hit: {
    id: 'cache_hit',
    title: 'Buffer reads: cache hits vs disk',
    ...stats,
    columns: ['blks_hit', 'blks_read'],
    labels: { blks_hit: 'cache hits (blocks/s)', blks_read: 'disk reads (blocks/s)' },
    unit: 'per_second',
    unavailableHint: NO_DB_STATS,
  },
  tuples: {
    id: 'tuples',
    title: 'Tuples',
    ...stats,
    columns: ['tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted'],
    labels: {
      tup_fetched: 'rows fetched/s',
      tup_inserted: 'rows inserted/s',
      tup_updated: 'rows updated/s',
      tup_deleted: 'rows deleted/s',
    },
    unit: 'per_second',
    unavailableHint: NO_DB_STATS,
  },
  temp: {
    id: 'temp',
    title: 'Temporary files written',
    ...stats,
    columns: ['temp_bytes'],
    labels: { temp_bytes: 'temp file bytes/s' },
    unit: 'bytes_per_second',
    unavailableHint: NO_DB_STATS,
  },
  wal: {
    id: 'wal',
    title: 'WAL written',
    probe: 'wal',
    columns: ['wal_bytes'],
    labels: { wal_bytes: 'WAL bytes/s' },
    unit: 'bytes_per_second',
    combine: 'sum',
    unavailableHint: 'No WAL statistics yet (pg_stat_wal).',
  },
  checkpoints: {
    id: 'checkpoints',
    title: 'Checkpoints',
    probe: 'checkpointer',
    columns: ['num_timed', 'num_requested'],
    labels: { num_timed: 'timed checkpoints/s', num_requested: 'requested checkpoints/s' },
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: 'No checkpointer statistics yet.',
  },
  io: {
    id: 'io',
    title: 'I/O (pg_stat_io)',
    probe: 'io',
    columns: ['reads', 'writes'],
    labels: { reads: 'reads/s', writes: 'writes/s' },
    unit: 'per_second',
    combine: 'sum',
    unavailableHint: 'pg_stat_io needs PostgreSQL 16 or later.',
  },
  replication_lag: {
    id: 'replication_lag',
    title: 'Replication lag (replay)',
    probe: 'replication',
    columns: ['replay_lag_bytes'],
    labels: { replay_lag_bytes: 'replay lag' },
    splitBy: 'application_name',
    unit: 'bytes',
    combine: 'sum',
    unavailableHint: 'No standby is streaming from this server.',
    emptyHint: 'No standby streamed from this server in this window.',
  },
  buffercache_databases: {
    id: 'buffercache_databases',
    title: 'Shared buffers by database',
    ...buffercache,
    columns: ['buffers'],
    labels: { buffers: 'shared buffers' },
    splitBy: 'datname',
  },
  buffercache_dirty: {
    id: 'buffercache_dirty',
    title: 'Dirty shared buffers by database',
    ...buffercache,
    columns: ['dirty'],
    labels: { dirty: 'dirty shared buffers' },
    splitBy: 'datname',
  },
  buffercache_usage: {
    id: 'buffercache_usage',
    title: 'Shared buffers by usage count',
    ...buffercache,
    probe: 'buffercache_usage',
    emptyHint: 'Nothing in this window yet: usage counts are sampled every 15 minutes.',
    columns: ['buffers'],
    labels: { buffers: 'shared buffers' },
    splitBy: 'usage_count',
  },
  pgbouncer_clients: {
    id: 'pgbouncer_clients',
    title: 'Pooler clients',
    ...pools,
    columns: ['cl_active', 'cl_waiting'],
    labels: { cl_active: 'active', cl_waiting: 'waiting for a server' },
    unit: 'count',
    stacked: true,
  },
  pgbouncer_servers: {
    id: 'pgbouncer_servers',
    title: 'Server connections by state',
    ...pools,
    columns: ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'],
    labels: {
      sv_active: 'active',
      sv_idle: 'idle',
      sv_used: 'used',
      sv_tested: 'tested',
      sv_login: 'logging in',
    },
    unit: 'count',
    stacked: true,
  },
  pgbouncer_utilisation: {
    id: 'pgbouncer_utilisation',
    title: 'Pool utilisation (server connections / pool size)',
    ...pools,
    columns: ['utilisation_pct'],
    labels: { utilisation_pct: 'utilisation' },
    unit: 'percent',
    combine: 'avg',
  },
  pgbouncer_traffic: {
    id: 'pgbouncer_traffic',
    title: 'Transactions and queries through the pooler',
    ...poolerStats,
    columns: ['xact_count', 'query_count'],
    labels: { xact_count: 'transactions/s', query_count: 'queries/s' },
    unit: 'per_second',
  },
  pgbouncer_bytes: {
    id: 'pgbouncer_bytes',
    title: 'Bytes through the pooler',
    ...poolerStats,
    columns: ['bytes_received', 'bytes_sent'],
    labels: { bytes_received: 'bytes from clients/s', bytes_sent: 'bytes to clients/s' },
    unit: 'bytes_per_second',
  },
  table_size: {
    id: 'table_size',
    title: 'Size (heap, TOAST, indexes)',
    ...table,
    columns: ['heap_bytes', 'toast_bytes', 'index_bytes'],
    labels: { heap_bytes: 'heap', toast_bytes: 'TOAST', index_bytes: 'indexes' },
    unit: 'bytes',
    stacked: true,
  },
  table_scans: {
    id: 'table_scans',
    title: 'Scans',
    ...table,
    columns: ['seq_scan', 'idx_scan'],
    labels: { seq_scan: 'sequential scans/s', idx_scan: 'index scans/s' },
    unit: 'per_second',
  },
  table_rows: {
    id: 'table_rows',
    title: 'Rows written',
    ...table,
    columns: ['n_tup_ins', 'n_tup_upd', 'n_tup_hot_upd', 'n_tup_del'],
    labels: {
      n_tup_ins: 'inserted/s',
      n_tup_upd: 'updated/s',
      n_tup_hot_upd: 'HOT updated/s',
      n_tup_del: 'deleted/s',
    },
    unit: 'per_second',
  },
  table_dead: {
    id: 'table_dead',
    title: 'Live and dead tuples',
    ...table,
    columns: ['n_live_tup', 'n_dead_tup'],
    labels: { n_live_tup: 'live tuples', n_dead_tup: 'dead tuples' },
    unit: 'count',
  },
  table_maintenance: {
    id: 'table_maintenance',
    title: 'Vacuum and analyze runs',
    ...table,
    columns: ['vacuum_count', 'autovacuum_count', 'analyze_count', 'autoanalyze_count'],
    labels: {
      vacuum_count: 'vacuums/s',
      autovacuum_count: 'autovacuums/s',
      analyze_count: 'analyzes/s',
      autoanalyze_count: 'autoanalyzes/s',
    },
    unit: 'per_second',
  },
  table_io: {
    id: 'table_io',
    title: 'Blocks read from outside shared buffers',
    ...tableIo,
    columns: ['heap_blks_read', 'idx_blks_read', 'toast_blks_read', 'tidx_blks_read'],
    labels: {
      heap_blks_read: 'heap blocks/s',
      idx_blks_read: 'index blocks/s',
      toast_blks_read: 'TOAST blocks/s',
      tidx_blks_read: 'TOAST index blocks/s',
    },
    unit: 'per_second',
    stacked: true,
  },
  index_scans: {
    id: 'index_scans',
    title: 'Index scans and tuples',
    ...index,
    columns: ['idx_scan', 'idx_tup_read', 'idx_tup_fetch'],
    labels: {
      idx_scan: 'scans/s',
      idx_tup_read: 'tuples read/s',
      idx_tup_fetch: 'tuples fetched/s',
    },
    unit: 'per_second',
  },
  index_size: {
    id: 'index_size',
    title: 'Index size',
    ...index,
    columns: ['size_bytes'],
    labels: { size_bytes: 'size' },
    unit: 'bytes',
  },
  index_io: {
    id: 'index_io',
    title: 'Index blocks: read and found in shared buffers',
    ...indexIo,
    columns: ['idx_blks_read', 'idx_blks_hit'],
    labels: { idx_blks_read: 'read/s', idx_blks_hit: 'hit/s' },
    unit: 'per_second',
  },
};
