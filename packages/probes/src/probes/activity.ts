import { V14, defineProbe } from './define';

// Client sessions only, never pgvigil's own: its sessions would dominate a quiet server.
const CLIENTS = `backend_type = 'client backend' AND pid <> pg_backend_pid()`;

export const activitySummary = defineProbe({
  name: 'activity_summary',
  needs: ['pg_read_all_stats'],
  title: 'Sessions by state and wait',
  description: 'Client sessions counted by state and wait-event type.',
  sources: ['pg_stat_activity'],
  scope: 'instance',
  intervalSeconds: 30,
  columns: [
    { name: 'state', type: 'text', key: true },
    { name: 'wait_event_type', type: 'text', key: true },
    { name: 'sessions', type: 'int', unit: 'count' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT coalesce(state, 'unknown') AS state, coalesce(wait_event_type, 'none') AS wait_event_type,
                   count(*)::int AS sessions
              FROM pg_stat_activity WHERE ${CLIENTS}
             GROUP BY 1, 2`,
    },
  ],
});

export const connectionLimits = defineProbe({
  name: 'connection_limits',
  needs: ['pg_read_all_stats'],
  title: 'Connection limits per database and role',
  description:
    'Each database and each login role with its own connection limit (CONNECTION LIMIT, datconnlimit / rolconnlimit), with the client sessions counted against it. Superusers are not held to a role limit; their sessions still count against a database limit.',
  sources: ['pg_database', 'pg_roles', 'pg_stat_activity'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'kind', type: 'text', key: true, description: 'database or role' },
    { name: 'name', type: 'text', key: true },
    { name: 'conn_limit', type: 'int', unit: 'count' },
    { name: 'sessions', type: 'int', unit: 'count' },
    {
      name: 'used_pct',
      type: 'double',
      unit: 'percent',
      description: 'sessions as a share of the limit; 100 when the limit is 0 (no login allowed)',
    },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `WITH a AS (
              SELECT datid, usesysid FROM pg_stat_activity WHERE backend_type = 'client backend'
            ), l AS (
              SELECT 'database' AS kind, d.datname::text AS name, d.datconnlimit AS conn_limit,
                     (SELECT count(*) FROM a WHERE a.datid = d.oid)::int AS sessions
                FROM pg_database d WHERE d.datconnlimit >= 0 AND d.datallowconn
              UNION ALL
              SELECT 'role', r.rolname::text, r.rolconnlimit,
                     (SELECT count(*) FROM a WHERE a.usesysid = r.oid)::int
                FROM pg_roles r WHERE r.rolconnlimit >= 0 AND r.rolcanlogin AND NOT r.rolsuper
            )
            SELECT kind, name, conn_limit, sessions,
                   CASE WHEN conn_limit = 0 THEN 100 ELSE 100.0 * sessions / conn_limit END::double precision AS used_pct
              FROM l`,
    },
  ],
});

export const activityExtremes = defineProbe({
  name: 'activity_extremes',
  needs: ['pg_read_all_stats'],
  title: 'Longest query, transaction and idle in transaction',
  description:
    'The longest running query, transaction and idle-in-transaction session, the oldest backend_xmin age and connection headroom.',
  sources: ['pg_stat_activity'],
  scope: 'instance',
  intervalSeconds: 30,
  columns: [
    { name: 'total_sessions', type: 'int', unit: 'count' },
    { name: 'active_sessions', type: 'int', unit: 'count' },
    { name: 'waiting_sessions', type: 'int', unit: 'count' },
    { name: 'max_connections', type: 'int', unit: 'count' },
    { name: 'connections_used_pct', type: 'double', unit: 'percent' },
    { name: 'longest_query_seconds', type: 'double', unit: 'seconds' },
    { name: 'longest_xact_seconds', type: 'double', unit: 'seconds' },
    { name: 'longest_idle_in_xact_seconds', type: 'double', unit: 'seconds' },
    { name: 'oldest_backend_xmin_age', type: 'bigint', unit: 'xid' },
    {
      name: 'reserved_connections',
      type: 'int',
      unit: 'count',
      description:
        'slots ordinary logins cannot use: superuser_reserved_connections, plus reserved_connections from PostgreSQL 16',
    },
  ],
  sql: [
    {
      minVersion: V14,
      // reserved_connections does not exist before 16: read with missing_ok, it adds nothing there
      sql: `SELECT count(*) FILTER (WHERE backend_type = 'client backend')::int AS total_sessions,
                   count(*) FILTER (WHERE state = 'active' AND backend_type = 'client backend')::int AS active_sessions,
                   count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS waiting_sessions,
                   current_setting('max_connections')::int AS max_connections,
                   100.0 * count(*) FILTER (WHERE backend_type = 'client backend')
                     / current_setting('max_connections')::int AS connections_used_pct,
                   coalesce(max(extract(epoch FROM now() - query_start)) FILTER (WHERE state = 'active' AND ${CLIENTS}), 0)::double precision AS longest_query_seconds,
                   coalesce(max(extract(epoch FROM now() - xact_start)) FILTER (WHERE ${CLIENTS}), 0)::double precision AS longest_xact_seconds,
                   coalesce(max(extract(epoch FROM now() - state_change)) FILTER (WHERE state LIKE 'idle in transaction%'), 0)::double precision AS longest_idle_in_xact_seconds,
                   coalesce(max(age(backend_xmin)) FILTER (WHERE pid <> pg_backend_pid()), 0)::bigint AS oldest_backend_xmin_age,
                   (current_setting('superuser_reserved_connections')::int
                     + coalesce(current_setting('reserved_connections', true)::int, 0)) AS reserved_connections
              FROM pg_stat_activity`,
    },
  ],
});

export const sessions = defineProbe({
  name: 'sessions',
  needs: ['pg_read_all_stats'],
  title: 'Session list',
  description:
    'A sampled list of client sessions (user, application, client, state, wait event, truncated query, durations) for the sessions view and wait-event history.',
  sources: ['pg_stat_activity'],
  scope: 'instance',
  intervalSeconds: 15,
  retentionDays: 3,
  // an idle session, or one running the same query, repeats itself every 15 s
  sparse: { keyframeSeconds: 300 },
  columns: [
    { name: 'pid', type: 'int', key: true },
    { name: 'datname', type: 'text' },
    { name: 'usename', type: 'text' },
    { name: 'application_name', type: 'text' },
    { name: 'client_addr', type: 'text' },
    { name: 'state', type: 'text' },
    { name: 'wait_event_type', type: 'text' },
    { name: 'wait_event', type: 'text' },
    { name: 'query', type: 'text', description: 'first 1,000 characters' },
    { name: 'query_id', type: 'text', description: 'pg_stat_statements queryid' },
    { name: 'backend_start', type: 'timestamptz' },
    { name: 'xact_seconds', type: 'double', unit: 'seconds', elapsed: true },
    { name: 'query_seconds', type: 'double', unit: 'seconds', elapsed: true },
    { name: 'state_seconds', type: 'double', unit: 'seconds', elapsed: true },
    { name: 'backend_xmin_age', type: 'bigint', unit: 'xid', drifting: true },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT pid, datname::text, usename::text, application_name, host(client_addr) AS client_addr,
                   state, wait_event_type, wait_event, left(query, 1000) AS query, query_id::text AS query_id,
                   backend_start,
                   extract(epoch FROM now() - xact_start)::double precision AS xact_seconds,
                   extract(epoch FROM now() - query_start)::double precision AS query_seconds,
                   extract(epoch FROM now() - state_change)::double precision AS state_seconds,
                   age(backend_xmin)::bigint AS backend_xmin_age
              FROM pg_stat_activity WHERE ${CLIENTS}
             ORDER BY xact_start NULLS LAST LIMIT 500`,
    },
  ],
});

export const locks = defineProbe({
  name: 'locks',
  title: 'Locks by mode and type',
  description: 'Held and awaited locks counted by lock type and mode.',
  sources: ['pg_locks'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'locktype', type: 'text', key: true },
    { name: 'mode', type: 'text', key: true },
    { name: 'granted', type: 'boolean', key: true },
    { name: 'locks', type: 'int', unit: 'count' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT locktype, mode, granted, count(*)::int AS locks
              FROM pg_locks WHERE pid <> pg_backend_pid() GROUP BY 1, 2, 3`,
    },
  ],
});

export const lockTable = defineProbe({
  name: 'lock_table',
  title: 'Shared lock table',
  description:
    'Locks in the shared lock table against its size, max_locks_per_transaction x (max_connections + max_prepared_transactions): when it is full, any session taking a lock fails with "out of shared memory". Fast-path locks (a backend\'s first weak locks) and predicate locks (SIReadLock, a table of their own) do not count.',
  sources: [
    'pg_locks',
    'max_locks_per_transaction',
    'max_connections',
    'max_prepared_transactions',
  ],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'locks', type: 'bigint', unit: 'count' },
    { name: 'fastpath_locks', type: 'bigint', unit: 'count' },
    { name: 'capacity', type: 'bigint', unit: 'count' },
    { name: 'used_pct', type: 'double', unit: 'percent' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `WITH l AS (
              SELECT count(*) FILTER (WHERE NOT fastpath)::bigint AS locks,
                     count(*) FILTER (WHERE fastpath)::bigint AS fastpath_locks
                FROM pg_locks WHERE mode <> 'SIReadLock'
            ), c AS (
              SELECT current_setting('max_locks_per_transaction')::bigint
                     * (current_setting('max_connections')::bigint
                        + current_setting('max_prepared_transactions')::bigint) AS capacity
            )
            SELECT locks, fastpath_locks, capacity, (100.0 * locks / capacity)::double precision AS used_pct
              FROM l, c`,
    },
  ],
});

export const blocking = defineProbe({
  name: 'blocking',
  needs: ['pg_read_all_stats'],
  title: 'Blocking pairs',
  description:
    'Every (blocked, blocking) session pair from pg_blocking_pids, enough to draw the blocking tree.',
  sources: ['pg_stat_activity', 'pg_blocking_pids()'],
  scope: 'instance',
  intervalSeconds: 30,
  retentionDays: 7,
  columns: [
    { name: 'blocked_pid', type: 'int', key: true },
    { name: 'blocking_pid', type: 'int', key: true },
    { name: 'datname', type: 'text' },
    { name: 'blocked_user', type: 'text' },
    { name: 'blocked_seconds', type: 'double', unit: 'seconds' },
    { name: 'blocked_query', type: 'text' },
    { name: 'blocking_state', type: 'text' },
    { name: 'blocking_query', type: 'text' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT w.pid AS blocked_pid, b.pid AS blocking_pid, w.datname::text, w.usename::text AS blocked_user,
                   extract(epoch FROM now() - w.query_start)::double precision AS blocked_seconds,
                   left(w.query, 500) AS blocked_query, b.state AS blocking_state,
                   left(b.query, 500) AS blocking_query
              FROM pg_stat_activity w
              CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
              JOIN pg_stat_activity b ON b.pid = bp.pid
             WHERE w.wait_event_type = 'Lock'`,
    },
  ],
});

export const preparedXacts = defineProbe({
  name: 'prepared_xacts',
  title: 'Prepared transactions',
  description: 'Count of two-phase transactions and the age of the oldest; they hold back xmin.',
  sources: ['pg_prepared_xacts'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'prepared', type: 'int', unit: 'count' },
    { name: 'oldest_seconds', type: 'double', unit: 'seconds' },
    { name: 'oldest_xid_age', type: 'bigint', unit: 'xid' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT count(*)::int AS prepared,
                   coalesce(max(extract(epoch FROM now() - prepared)), 0)::double precision AS oldest_seconds,
                   coalesce(max(age(transaction)), 0)::bigint AS oldest_xid_age
              FROM pg_prepared_xacts`,
    },
  ],
});
