import { define } from './catalog-core';
import { column, expr } from './derive';
import type { RuleDefinition } from './types';

const POOL = ['pool_db', 'pool_user'] as const;

/** Poolers (servers of kind pgbouncer): their tables exist for poolers only. */
export const PGBOUNCER_RULES: RuleDefinition[] = [
  define({
    key: 'pgbouncer_down',
    name: 'PgBouncer down',
    category: 'availability',
    source: { probe: 'pgbouncer_connectivity', columns: ['up'], derive: column('up') },
    operator: '<',
    warning: null,
    critical: 1,
    forSeconds: 60,
    windowSeconds: 300,
    unit: 'bool',
    explanation:
      "The collector could not reach the pooler's admin console. Every client of the pooler is likely refused too; the classified reason is on the pooler page.",
    runbook:
      'Check that PgBouncer runs (systemctl status pgbouncer, its log) and listens on the registered host and port; psql -h <host> -p <port> -U <stats user> pgbouncer -c "SHOW VERSION".',
  }),
  define({
    key: 'pgbouncer_clients_waiting',
    name: 'PgBouncer clients waiting',
    category: 'connections',
    source: {
      probe: 'pgbouncer_pools',
      columns: ['maxwait_seconds'],
      objectKeys: POOL,
      derive: column('maxwait_seconds'),
    },
    warning: 5,
    critical: 30,
    forSeconds: 60,
    unit: 'seconds',
    explanation:
      'How long the oldest client of the pool has waited for a server connection (SHOW POOLS maxwait). Waiting clients see their queries stall before they reach PostgreSQL.',
    runbook:
      'See what holds the server connections (SHOW SERVERS on the console; pg_stat_activity on the server for long transactions). Shorten them, or raise the pool size (default_pool_size or pool_size of the database) within max_connections of the server.',
  }),
  define({
    key: 'pgbouncer_pool_saturated',
    name: 'PgBouncer pool saturated',
    category: 'connections',
    source: {
      probe: 'pgbouncer_pools',
      columns: ['utilisation_pct', 'cl_waiting'],
      objectKeys: POOL,
      // full only counts while clients queue: an idle pool kept at its size is fine
      derive: expr((v) => ((v('cl_waiting') ?? 0) > 0 ? v('utilisation_pct') : 0)),
    },
    operator: '>=',
    warning: 100,
    critical: null,
    forSeconds: 120,
    unit: 'percent',
    explanation:
      'Every server connection the pool may open is open while clients queue for one: the pool is the bottleneck, not PostgreSQL.',
    runbook:
      'Raise the pool size (pool_size in [databases] or default_pool_size) if the server has connections to spare (max_connections, max_db_connections), or find the transactions that hold server connections too long.',
  }),
  define({
    key: 'pgbouncer_max_client_conn',
    name: 'PgBouncer max_client_conn nearly reached',
    category: 'connections',
    source: {
      probe: 'pgbouncer_lists',
      columns: ['client_conn_pct'],
      derive: column('client_conn_pct'),
    },
    warning: 80,
    critical: 95,
    unit: 'percent',
    explanation:
      'Client connections (in use and logging in) as a percentage of max_client_conn. At 100 % PgBouncer refuses new clients with "no more connections allowed".',
    runbook:
      'Find the clients holding connections (SHOW CLIENTS grouped by application and address): a connection leak or an oversized application pool. Raise max_client_conn only within the file descriptor limit (ulimit -n).',
  }),
  define({
    key: 'pgbouncer_server_login_failing',
    name: 'PgBouncer cannot log in to the server',
    category: 'availability',
    source: {
      probe: 'pgbouncer_pools',
      columns: ['cl_waiting', 'sv_active', 'sv_idle', 'sv_used', 'sv_tested'],
      objectKeys: POOL,
      // clients queue and the pool has no server connection at all: logins to the server fail
      derive: expr((v) => {
        const open = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested'].reduce(
          (sum, c) => sum + (v(c) ?? 0),
          0,
        );
        return (v('cl_waiting') ?? 0) > 0 && open === 0 ? 1 : 0;
      }),
    },
    operator: '>=',
    warning: null,
    critical: 1,
    forSeconds: 60,
    windowSeconds: 300,
    unit: 'bool',
    explanation:
      'Clients wait in the pool while PgBouncer holds no connection to the server: its logins to PostgreSQL fail (wrong password in the auth_file or the connection string, a missing database, pg_hba.conf, the server down or out of connections).',
    runbook:
      "Read PgBouncer's log for the server's error, and the PostgreSQL log at the same time. Check the [databases] entry and the credentials PgBouncer uses (auth_file, auth_query, or user/password in the entry).",
  }),
];
