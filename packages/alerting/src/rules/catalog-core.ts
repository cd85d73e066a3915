import { changed, column, expr, maxPerSample, pct, ratioOfIncreases } from './derive';
import type { Derive, RuleDefinition } from './types';

type Input = Omit<
  RuleDefinition,
  'kind' | 'aggregation' | 'windowSeconds' | 'operator' | 'forSeconds'
> &
  Partial<
    Pick<RuleDefinition, 'kind' | 'aggregation' | 'windowSeconds' | 'operator' | 'forSeconds'>
  >;

export const define = (r: Input): RuleDefinition => ({
  kind: 'builtin',
  aggregation: 'latest',
  windowSeconds: 900,
  operator: '>',
  forSeconds: 300,
  ...r,
});

/**
 * A new postmaster start time, unless the role changed with it: a switchover restarts the
 * old primary as a standby (Patroni's demotion), which role_changed reports; the same
 * move counted as a restart would be a second alert about one event.
 */
const restartedInRole: Derive = (rows) => {
  const started = changed('start_time')(rows, {});
  return started.map((s, i) =>
    s.value === 1 && rows[i]!.values.in_recovery !== rows[i + 1]!.values.in_recovery
      ? { ...s, value: 0 }
      : s,
  );
};

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Availability, sessions, locks and throughput: the rules an on-call engineer meets first. */
export const SERVER_RULES: RuleDefinition[] = [
  define({
    key: 'server_down',
    name: 'Server down',
    category: 'availability',
    source: { probe: 'connectivity', columns: ['up'], derive: column('up') },
    operator: '<',
    warning: null,
    critical: 1,
    forSeconds: 60,
    windowSeconds: 300,
    unit: 'bool',
    explanation:
      'The collector could not connect or run its probes. The classified reason (refused, timeout, authentication, TLS) is on the server page.',
    runbook:
      'Check that PostgreSQL is running and reachable from the collector host (pg_isready -h <host> -p <port>), then read the server log around the time it went down.',
  }),
  define({
    key: 'server_restarted',
    name: 'Server restarted',
    category: 'availability',
    source: {
      probe: 'server_info',
      columns: ['start_time', 'in_recovery'],
      derive: restartedInRole,
    },
    warning: 0,
    critical: null,
    forSeconds: 0,
    // server_info runs every 5 minutes: an outage of up to an hour still has the
    // sample before the restart in the window to compare with
    windowSeconds: 3600,
    unit: 'bool',
    explanation:
      "pg_postmaster_start_time() changed between two samples: the server restarted, or crashed and recovered. A server's first sample never fires: an uptime alone does not say pgvigil saw it restart. A restart that changed the role (a primary demoted to a standby in a switchover) is role_changed's, not this rule's.",
    runbook:
      'Look in the server log for "database system was interrupted" or "terminated by signal". An unplanned restart after an OOM kill needs memory settings reviewed.',
  }),
  define({
    key: 'connections_used',
    name: 'Connections used',
    category: 'connections',
    source: {
      probe: 'activity_extremes',
      columns: ['total_sessions', 'max_connections', 'reserved_connections'],
      // reserved = superuser_reserved_connections + reserved_connections; when the
      // probe does not report it, PostgreSQL's default of 3 is the best guess
      derive: expr((v) =>
        pct(v('total_sessions'), (v('max_connections') ?? 0) - (v('reserved_connections') ?? 3)),
      ),
    },
    warning: 80,
    critical: 90,
    unit: 'percent',
    explanation:
      'Client backends as a percentage of max_connections minus the slots reserved for superusers and pg_use_reserved_connections. At 100 % new logins fail with "too many clients".',
    runbook:
      'Find who holds the connections (pg_stat_activity grouped by usename, application_name, state). Idle connections point at a pool sized too large; use a pooler (PgBouncer) rather than raising max_connections.',
  }),
  define({
    key: 'connection_limit_used',
    name: 'Connection limit of a database or role',
    category: 'connections',
    source: {
      probe: 'connection_limits',
      columns: ['used_pct'],
      objectKeys: ['kind', 'name'],
      derive: column('used_pct'),
    },
    warning: 80,
    critical: 95,
    unit: 'percent',
    explanation:
      'Client sessions of a database or a login role as a percentage of its own CONNECTION LIMIT. At 100 % its next login fails with "too many connections for database" (or role), even while max_connections has room.',
    runbook:
      'See who holds the sessions (pg_stat_activity for that database or role, by application_name and state); shrink the pool or raise the limit with ALTER DATABASE / ALTER ROLE ... CONNECTION LIMIT.',
  }),
  define({
    key: 'idle_in_transaction',
    name: 'Idle in transaction',
    category: 'connections',
    source: {
      probe: 'activity_extremes',
      columns: ['longest_idle_in_xact_seconds'],
      derive: column('longest_idle_in_xact_seconds'),
    },
    warning: 300,
    critical: 900,
    forSeconds: 60,
    unit: 'seconds',
    explanation:
      'The oldest session sitting "idle in transaction". It holds its snapshot and locks, stops vacuum from removing dead rows and can block DDL.',
    runbook:
      "Identify the application (pg_stat_activity where state = 'idle in transaction'), fix the code path that does not commit, and set idle_in_transaction_session_timeout. pg_terminate_backend(pid) ends it now.",
  }),
  define({
    key: 'long_query',
    name: 'Long running query',
    category: 'queries',
    source: {
      probe: 'activity_extremes',
      columns: ['longest_query_seconds'],
      derive: column('longest_query_seconds'),
    },
    warning: 600,
    critical: 3600,
    forSeconds: 0,
    unit: 'seconds',
    explanation:
      'The longest active statement. Tune the thresholds per server for reporting or ETL workloads.',
    runbook:
      'Look at the statement and its wait event on the sessions page; EXPLAIN it. Cancel with pg_cancel_backend(pid) if it is runaway; set statement_timeout for the role.',
  }),
  define({
    key: 'long_transaction',
    name: 'Long transaction',
    category: 'queries',
    source: {
      probe: 'activity_extremes',
      columns: ['longest_xact_seconds'],
      derive: column('longest_xact_seconds'),
    },
    warning: 3600,
    critical: null,
    forSeconds: 0,
    unit: 'seconds',
    explanation:
      'The oldest open transaction. It holds back the xmin horizon: vacuum cannot clean anything newer.',
    runbook:
      'Find it in pg_stat_activity ordered by xact_start; ask the owner or terminate it. Check for forgotten BEGIN in interactive sessions.',
  }),
  define({
    key: 'lock_waiters',
    name: 'Sessions waiting on locks',
    category: 'locks',
    source: {
      probe: 'activity_extremes',
      columns: ['waiting_sessions'],
      derive: column('waiting_sessions'),
    },
    warning: 5,
    critical: 20,
    forSeconds: 120,
    unit: 'count',
    explanation:
      'Sessions whose wait_event_type is Lock. A growing queue behind one blocker is how outages start.',
    runbook:
      'Open the locks view, find the blocker with pg_blocking_pids(), and end the blocking transaction if it is stuck.',
  }),
  define({
    key: 'lock_wait_time',
    name: 'Longest lock wait',
    category: 'locks',
    source: {
      probe: 'blocking',
      columns: ['blocked_seconds'],
      // one row per blocked session; no row at all means nobody waits
      derive: maxPerSample('blocked_seconds'),
      absentIsClear: true,
    },
    warning: 30,
    critical: 300,
    forSeconds: 0,
    unit: 'seconds',
    explanation: 'How long the longest waiter has been waiting for a heavyweight lock.',
    runbook:
      'As for lock waiters; consider lock_timeout for DDL so it gives up instead of queueing everyone behind it.',
  }),
  define({
    key: 'deadlocks',
    name: 'Deadlocks',
    category: 'locks',
    source: {
      probe: 'database_stats',
      columns: ['deadlocks'],
      objectKeys: ['datname'],
      derive: column('deadlocks'),
    },
    aggregation: 'delta',
    windowSeconds: 300,
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    explanation: 'Deadlocks detected in the last 5 minutes (pg_stat_database.deadlocks increase).',
    runbook:
      'The server log has both statements (log_lock_waits helps). Make transactions take locks in a consistent order.',
  }),
  define({
    key: 'rollback_ratio',
    name: 'Rollback ratio',
    category: 'throughput',
    source: {
      probe: 'database_stats',
      columns: ['xact_commit', 'xact_rollback'],
      objectKeys: ['datname'],
      derive: ratioOfIncreases(['xact_rollback'], ['xact_commit', 'xact_rollback']),
    },
    aggregation: 'avg',
    warning: 10,
    critical: null,
    forSeconds: 600,
    unit: 'percent',
    explanation: 'Rolled-back transactions as a percentage of all transactions over 15 minutes.',
    runbook:
      'Look for application errors and serialization failures; the server log shows the ERRORs that caused the rollbacks.',
  }),
  define({
    key: 'cache_hit_ratio',
    name: 'Cache hit ratio',
    category: 'throughput',
    source: {
      probe: 'database_stats',
      columns: ['blks_hit', 'blks_read'],
      objectKeys: ['datname'],
      derive: ratioOfIncreases(['blks_hit'], ['blks_hit', 'blks_read']),
    },
    aggregation: 'avg',
    operator: '<',
    warning: 90,
    critical: null,
    forSeconds: 900,
    unit: 'percent',
    explanation:
      'Share of block reads served from shared_buffers over 15 minutes. Below 90 % on an OLTP database usually means the working set no longer fits; the anomaly rule catches a drop below its own baseline.',
    runbook:
      'Check which tables are read from disk (pg_statio_user_tables), missing indexes causing sequential scans, and shared_buffers sizing.',
  }),
  define({
    key: 'temp_bytes',
    name: 'Temporary file bytes',
    category: 'queries',
    source: {
      probe: 'database_stats',
      columns: ['temp_bytes'],
      objectKeys: ['datname'],
      derive: column('temp_bytes'),
    },
    aggregation: 'rate',
    warning: (1 * GiB) / 60,
    critical: null,
    forSeconds: 600,
    unit: 'bytes_per_second',
    explanation:
      'Bytes written to temporary files per second (default threshold: 1 GiB per minute): sorts and hashes spilling out of work_mem.',
    runbook:
      'Find the statements with temp_blks_written in pg_stat_statements; add indexes or raise work_mem for that role only.',
  }),
  define({
    key: 'prepared_transaction_age',
    name: 'Old prepared transaction',
    category: 'queries',
    source: {
      probe: 'prepared_xacts',
      columns: ['oldest_seconds'],
      derive: column('oldest_seconds'),
    },
    warning: 300,
    critical: null,
    forSeconds: 0,
    unit: 'seconds',
    explanation:
      'A two-phase transaction prepared more than 5 minutes ago and neither committed nor rolled back. It holds locks and the xmin horizon forever.',
    runbook:
      'SELECT * FROM pg_prepared_xacts; ask the transaction manager, then COMMIT PREPARED or ROLLBACK PREPARED the gid.',
  }),
];

export { MiB, GiB };
