import { definePoolerProbe, n, type ShowRows } from './define';

/** The admin console's own pseudo-database: not a pool anyone's traffic goes through. */
const ADMIN_DB = 'pgbouncer';
const pooled = (rows: ShowRows | undefined) =>
  (rows ?? []).filter((r) => r.database !== ADMIN_DB && r.name !== ADMIN_DB);

/** seconds + microseconds, as PgBouncer splits waits (maxwait + maxwait_us) */
const seconds = (row: Record<string, unknown>, s: string) =>
  n(row, s) === null ? null : (n(row, s) ?? 0) + (n(row, `${s}_us`) ?? 0) / 1e6;

const pct = (a: number | null, b: number | null) =>
  a === null || b === null || b <= 0 ? null : (100 * a) / b;

/** Groups rows by `keys` and counts them, keeping the largest `max` seconds per group. */
function countBy(rows: ShowRows, keys: readonly string[], max?: string) {
  const groups = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const id = JSON.stringify(keys.map((k) => r[k]));
    const g = groups.get(id) ?? { ...Object.fromEntries(keys.map((k) => [k, r[k]])), count: 0 };
    g.count = Number(g.count) + 1;
    if (max) g.max = Math.max(Number(g.max ?? 0), seconds(r, max) ?? 0);
    groups.set(id, g);
  }
  return [...groups.values()];
}

export const pgbouncerConnectivity = definePoolerProbe({
  name: 'pgbouncer_connectivity',
  title: 'PgBouncer reachable',
  description:
    'Whether the admin console answers (SHOW VERSION) and how fast; when it does not, the classified reason.',
  commands: ['SHOW VERSION'],
  intervalSeconds: 15,
  roundTripColumn: 'rtt_ms',
  columns: [
    { name: 'up', type: 'boolean' },
    { name: 'rtt_ms', type: 'double', unit: 'ms' },
    { name: 'version', type: 'text' },
    { name: 'error_code', type: 'text' },
  ],
  reduce: ([version]) => [{ up: true, version: version?.[0]?.version ?? null, error_code: null }],
});

export const pgbouncerPools = definePoolerProbe({
  name: 'pgbouncer_pools',
  title: 'PgBouncer pools',
  description:
    'Per pool (database and user): clients active and waiting, the longest wait, server connections by state, and utilisation against the pool size.',
  commands: ['SHOW POOLS', 'SHOW DATABASES', 'SHOW CONFIG'],
  intervalSeconds: 15,
  columns: [
    { name: 'pool_db', type: 'text', key: true },
    { name: 'pool_user', type: 'text', key: true },
    { name: 'pool_mode', type: 'text' },
    { name: 'cl_active', type: 'int', unit: 'count', description: 'clients linked to a server' },
    { name: 'cl_waiting', type: 'int', unit: 'count', description: 'clients queued for a server' },
    { name: 'sv_active', type: 'int', unit: 'count' },
    { name: 'sv_idle', type: 'int', unit: 'count' },
    { name: 'sv_used', type: 'int', unit: 'count' },
    { name: 'sv_tested', type: 'int', unit: 'count' },
    { name: 'sv_login', type: 'int', unit: 'count' },
    {
      name: 'maxwait_seconds',
      type: 'double',
      unit: 'seconds',
      description: 'how long the oldest waiting client has waited (maxwait + maxwait_us)',
    },
    { name: 'pool_size', type: 'int', unit: 'count', description: 'effective pool size' },
    {
      name: 'utilisation_pct',
      type: 'double',
      unit: 'percent',
      description: 'server connections open (any state) / pool size',
    },
  ],
  reduce: ([pools, databases, config]) => {
    const defaultSize = n(
      Object.fromEntries((config ?? []).map((r) => [r.key, r.value])),
      'default_pool_size',
    );
    const sizeOf = new Map(pooled(databases).map((d) => [d.name, n(d, 'pool_size')]));
    return pooled(pools).map((p) => {
      const size = sizeOf.get(p.database) ?? defaultSize;
      const open = ['sv_active', 'sv_idle', 'sv_used', 'sv_tested', 'sv_login'].reduce(
        (sum, c) => sum + (n(p, c) ?? 0),
        0,
      );
      return {
        pool_db: p.database,
        pool_user: p.user,
        pool_mode: p.pool_mode,
        cl_active: n(p, 'cl_active'),
        cl_waiting: n(p, 'cl_waiting'),
        sv_active: n(p, 'sv_active'),
        sv_idle: n(p, 'sv_idle'),
        sv_used: n(p, 'sv_used'),
        sv_tested: n(p, 'sv_tested'),
        sv_login: n(p, 'sv_login'),
        maxwait_seconds: seconds(p, 'maxwait'),
        pool_size: size,
        utilisation_pct: pct(open, size),
      };
    });
  },
});

export const pgbouncerStats = definePoolerProbe({
  name: 'pgbouncer_stats',
  title: 'PgBouncer traffic',
  description:
    'Per database: transactions, queries, bytes and time spent, as per-second rates; the average client wait per transaction.',
  commands: ['SHOW STATS'],
  intervalSeconds: 15,
  columns: [
    { name: 'pool_db', type: 'text', key: true },
    { name: 'xact_count', type: 'bigint', counter: true, unit: 'count' },
    { name: 'query_count', type: 'bigint', counter: true, unit: 'count' },
    { name: 'bytes_received', type: 'bigint', counter: true, unit: 'bytes' },
    { name: 'bytes_sent', type: 'bigint', counter: true, unit: 'bytes' },
    {
      name: 'xact_time_ms',
      type: 'double',
      counter: true,
      unit: 'ms',
      description: 'time in transactions',
    },
    {
      name: 'query_time_ms',
      type: 'double',
      counter: true,
      unit: 'ms',
      description: 'time in queries',
    },
    {
      name: 'wait_time_ms',
      type: 'double',
      counter: true,
      unit: 'ms',
      description: 'time clients waited for a server',
    },
    {
      name: 'avg_wait_ms',
      type: 'double',
      unit: 'ms',
      description: "PgBouncer's average wait per transaction over its last stats period",
    },
  ],
  reduce: ([stats]) =>
    pooled(stats).map((s) => {
      const ms = (c: string) => (n(s, c) === null ? null : (n(s, c) ?? 0) / 1000);
      return {
        pool_db: s.database,
        xact_count: n(s, 'total_xact_count'),
        query_count: n(s, 'total_query_count'),
        bytes_received: n(s, 'total_received'),
        bytes_sent: n(s, 'total_sent'),
        xact_time_ms: ms('total_xact_time'),
        query_time_ms: ms('total_query_time'),
        wait_time_ms: ms('total_wait_time'),
        avg_wait_ms: ms('avg_wait_time'),
      };
    }),
});

export const pgbouncerClients = definePoolerProbe({
  name: 'pgbouncer_clients',
  title: 'PgBouncer clients',
  description:
    'Client connections counted by database, user and state, with the longest current wait; never one row per client.',
  commands: ['SHOW CLIENTS'],
  intervalSeconds: 30,
  columns: [
    { name: 'pool_db', type: 'text', key: true },
    { name: 'client_user', type: 'text', key: true },
    { name: 'state', type: 'text', key: true },
    { name: 'clients', type: 'int', unit: 'count' },
    { name: 'max_wait_seconds', type: 'double', unit: 'seconds' },
  ],
  reduce: ([clients]) =>
    countBy(pooled(clients), ['database', 'user', 'state'], 'wait').map((g) => ({
      pool_db: g.database,
      client_user: g.user,
      state: g.state,
      clients: g.count,
      max_wait_seconds: g.max,
    })),
});

export const pgbouncerServers = definePoolerProbe({
  name: 'pgbouncer_servers',
  title: 'PgBouncer server connections',
  description:
    'Server connections counted by database, user and state (active, idle, used, tested, login).',
  commands: ['SHOW SERVERS'],
  intervalSeconds: 30,
  columns: [
    { name: 'pool_db', type: 'text', key: true },
    { name: 'server_user', type: 'text', key: true },
    { name: 'state', type: 'text', key: true },
    { name: 'servers', type: 'int', unit: 'count' },
  ],
  reduce: ([servers]) =>
    countBy(pooled(servers), ['database', 'user', 'state']).map((g) => ({
      pool_db: g.database,
      server_user: g.user,
      state: g.state,
      servers: g.count,
    })),
});

export const pgbouncerDatabases = definePoolerProbe({
  name: 'pgbouncer_databases',
  title: 'PgBouncer databases',
  description:
    'Each configured database: where it points, its pool size and max_db_connections, connections in use against that limit, paused or disabled.',
  commands: ['SHOW DATABASES'],
  intervalSeconds: 60,
  columns: [
    { name: 'pool_db', type: 'text', key: true },
    { name: 'host', type: 'text' },
    { name: 'port', type: 'int' },
    { name: 'target_db', type: 'text' },
    { name: 'pool_mode', type: 'text' },
    { name: 'pool_size', type: 'int', unit: 'count' },
    { name: 'reserve_pool', type: 'int', unit: 'count' },
    { name: 'max_db_connections', type: 'int', unit: 'count', description: '0: no limit' },
    { name: 'current_connections', type: 'int', unit: 'count' },
    {
      name: 'db_connections_pct',
      type: 'double',
      unit: 'percent',
      description: 'current_connections / max_db_connections (null without a limit)',
    },
    { name: 'paused', type: 'boolean' },
    { name: 'disabled', type: 'boolean' },
  ],
  reduce: ([databases]) =>
    pooled(databases).map((d) => ({
      pool_db: d.name,
      host: d.host,
      port: n(d, 'port'),
      target_db: d.database,
      pool_mode: d.pool_mode,
      pool_size: n(d, 'pool_size'),
      reserve_pool: n(d, 'reserve_pool'),
      max_db_connections: n(d, 'max_connections'),
      current_connections: n(d, 'current_connections'),
      db_connections_pct: pct(n(d, 'current_connections'), n(d, 'max_connections')),
      paused: n(d, 'paused') === 1,
      disabled: n(d, 'disabled') === 1,
    })),
});

export const pgbouncerConfig = definePoolerProbe({
  name: 'pgbouncer_config',
  title: 'PgBouncer settings',
  description: 'Every setting of the pooler (SHOW CONFIG); stored only when something changes.',
  commands: ['SHOW CONFIG'],
  intervalSeconds: 600,
  retentionDays: 365,
  changeTracked: true,
  columns: [
    { name: 'key', type: 'text', key: true },
    { name: 'value', type: 'text' },
    { name: 'default_value', type: 'text' },
    { name: 'changeable', type: 'boolean' },
  ],
  reduce: ([config]) =>
    (config ?? []).map((c) => ({
      key: c.key,
      value: c.value,
      default_value: c.default ?? null,
      changeable: c.changeable === 'yes',
    })),
});

export const pgbouncerLists = definePoolerProbe({
  name: 'pgbouncer_lists',
  title: 'PgBouncer connections and lists',
  description:
    'Client and server connection slots in use (SHOW LISTS) against max_client_conn, and the counts of databases, users and pools.',
  commands: ['SHOW LISTS', 'SHOW CONFIG'],
  intervalSeconds: 30,
  columns: [
    { name: 'databases', type: 'int', unit: 'count' },
    { name: 'users', type: 'int', unit: 'count' },
    { name: 'pools', type: 'int', unit: 'count' },
    { name: 'used_clients', type: 'int', unit: 'count' },
    { name: 'login_clients', type: 'int', unit: 'count' },
    { name: 'used_servers', type: 'int', unit: 'count' },
    { name: 'free_servers', type: 'int', unit: 'count' },
    { name: 'max_client_conn', type: 'int', unit: 'count' },
    {
      name: 'client_conn_pct',
      type: 'double',
      unit: 'percent',
      description: 'client connections (used + logging in) / max_client_conn',
    },
  ],
  reduce: ([lists, config]) => {
    const item = Object.fromEntries((lists ?? []).map((l) => [l.list, l.items]));
    const cfg = Object.fromEntries((config ?? []).map((r) => [r.key, r.value]));
    const clients = (n(item, 'used_clients') ?? 0) + (n(item, 'login_clients') ?? 0);
    return [
      {
        databases: n(item, 'databases'),
        users: n(item, 'users'),
        pools: n(item, 'pools'),
        used_clients: n(item, 'used_clients'),
        login_clients: n(item, 'login_clients'),
        used_servers: n(item, 'used_servers'),
        free_servers: n(item, 'free_servers'),
        max_client_conn: n(cfg, 'max_client_conn'),
        client_conn_pct: pct(clients, n(cfg, 'max_client_conn')),
      },
    ];
  },
});

export const pgbouncerMem = definePoolerProbe({
  name: 'pgbouncer_mem',
  title: 'PgBouncer memory',
  description: 'Memory of each of its internal caches (SHOW MEM).',
  commands: ['SHOW MEM'],
  intervalSeconds: 300,
  columns: [
    { name: 'cache', type: 'text', key: true },
    { name: 'item_size', type: 'int', unit: 'bytes' },
    { name: 'used', type: 'int', unit: 'count' },
    { name: 'free', type: 'int', unit: 'count' },
    { name: 'memtotal', type: 'bigint', unit: 'bytes' },
  ],
  reduce: ([mem]) =>
    (mem ?? []).map((m) => ({
      cache: m.name,
      item_size: n(m, 'size'),
      used: n(m, 'used'),
      free: n(m, 'free'),
      memtotal: n(m, 'memtotal'),
    })),
});

/** Every pooler probe, in display order. The collector runs these, and only these, on poolers. */
export const POOLER_PROBES = [
  pgbouncerConnectivity,
  pgbouncerPools,
  pgbouncerStats,
  pgbouncerClients,
  pgbouncerServers,
  pgbouncerDatabases,
  pgbouncerConfig,
  pgbouncerLists,
  pgbouncerMem,
] as const;
