import { V14, V15, V16, V17, V18, defineProbe } from './define';

// On a cascading standby there is no "current" LSN; the last received one plays its part.
const HEAD = `CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END`;

export const replication = defineProbe({
  name: 'replication',
  needs: ['pg_read_all_stats'],
  title: 'Standbys and their lag',
  description:
    'Per connected standby (or logical walsender): state, sync state, lag in bytes and seconds for write, flush and replay.',
  sources: ['pg_stat_replication'],
  scope: 'instance',
  intervalSeconds: 30,
  columns: [
    { name: 'application_name', type: 'text', key: true },
    { name: 'client_addr', type: 'text', key: true },
    { name: 'state', type: 'text' },
    { name: 'sync_state', type: 'text' },
    { name: 'sent_lag_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'write_lag_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'flush_lag_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'replay_lag_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'write_lag_seconds', type: 'double', unit: 'seconds' },
    { name: 'flush_lag_seconds', type: 'double', unit: 'seconds' },
    { name: 'replay_lag_seconds', type: 'double', unit: 'seconds' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT application_name, coalesce(host(client_addr), 'local') AS client_addr, state, sync_state,
                   pg_wal_lsn_diff(${HEAD}, sent_lsn)::bigint AS sent_lag_bytes,
                   pg_wal_lsn_diff(${HEAD}, write_lsn)::bigint AS write_lag_bytes,
                   pg_wal_lsn_diff(${HEAD}, flush_lsn)::bigint AS flush_lag_bytes,
                   pg_wal_lsn_diff(${HEAD}, replay_lsn)::bigint AS replay_lag_bytes,
                   extract(epoch FROM write_lag)::double precision AS write_lag_seconds,
                   extract(epoch FROM flush_lag)::double precision AS flush_lag_seconds,
                   extract(epoch FROM replay_lag)::double precision AS replay_lag_seconds
              FROM pg_stat_replication`,
    },
  ],
});

export const walReceiver = defineProbe({
  name: 'wal_receiver',
  needs: ['pg_read_all_stats'],
  title: 'WAL receiver and replay delay',
  description:
    'On a standby: receiver status and upstream, bytes received but not replayed, seconds since the last replayed transaction and since the last message from the primary. One row on primaries too (in_recovery = false).',
  sources: ['pg_stat_wal_receiver', 'pg_last_xact_replay_timestamp()'],
  scope: 'instance',
  intervalSeconds: 30,
  columns: [
    { name: 'in_recovery', type: 'boolean' },
    { name: 'status', type: 'text' },
    { name: 'sender_host', type: 'text' },
    { name: 'slot_name', type: 'text' },
    { name: 'receive_replay_lag_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'replay_delay_seconds', type: 'double', unit: 'seconds' },
    { name: 'last_msg_age_seconds', type: 'double', unit: 'seconds' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT pg_is_in_recovery() AS in_recovery, r.status, r.sender_host, r.slot_name,
                   pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint AS receive_replay_lag_bytes,
                   CASE WHEN pg_is_in_recovery()
                        THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::double precision AS replay_delay_seconds,
                   extract(epoch FROM now() - r.last_msg_receipt_time)::double precision AS last_msg_age_seconds
              FROM (SELECT 1) one LEFT JOIN pg_stat_wal_receiver r ON true`,
    },
  ],
});

export const replicationSlots = defineProbe({
  name: 'replication_slots',
  title: 'Replication slots',
  description:
    'Every slot: type, active, retained WAL bytes, wal_status, safe_wal_size, xmin and catalog_xmin age; conflicting (16+) and inactive_since (17+).',
  sources: ['pg_replication_slots'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'slot_name', type: 'text', key: true },
    { name: 'slot_type', type: 'text' },
    { name: 'plugin', type: 'text' },
    { name: 'database', type: 'text' },
    { name: 'active', type: 'boolean' },
    { name: 'retained_bytes', type: 'bigint', unit: 'bytes' },
    { name: 'wal_status', type: 'text' },
    { name: 'safe_wal_size', type: 'bigint', unit: 'bytes' },
    { name: 'xmin_age', type: 'bigint', unit: 'xid' },
    { name: 'catalog_xmin_age', type: 'bigint', unit: 'xid' },
    { name: 'conflicting', type: 'boolean' },
    { name: 'inactive_since', type: 'timestamptz' },
  ],
  sql: [V14, V16, V17].map((minVersion) => ({
    minVersion,
    sql: `SELECT slot_name::text, slot_type, plugin::text, database::text, active,
                 pg_wal_lsn_diff(${HEAD}, restart_lsn)::bigint AS retained_bytes,
                 wal_status, safe_wal_size, age(xmin)::bigint AS xmin_age,
                 age(catalog_xmin)::bigint AS catalog_xmin_age,
                 ${minVersion >= V16 ? 'conflicting' : 'NULL::boolean AS conflicting'},
                 ${minVersion >= V17 ? 'inactive_since' : 'NULL::timestamptz AS inactive_since'}
            FROM pg_replication_slots`,
  })),
});

export const replicationSlotStats = defineProbe({
  name: 'replication_slot_stats',
  title: 'Logical slot decoding statistics',
  description: 'Spilled and streamed transactions and bytes per logical slot.',
  sources: ['pg_stat_replication_slots'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'slot_name', type: 'text', key: true },
    ...[
      'spill_txns',
      'spill_count',
      'spill_bytes',
      'stream_txns',
      'stream_count',
      'stream_bytes',
      'total_txns',
      'total_bytes',
    ].map((name) => ({ name, type: 'bigint' as const, counter: true })),
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT slot_name::text, spill_txns, spill_count, spill_bytes, stream_txns, stream_count,
                   stream_bytes, total_txns, total_bytes
              FROM pg_stat_replication_slots`,
    },
  ],
});

export const publications = defineProbe({
  name: 'publications',
  title: 'Publications',
  description:
    'Logical replication publications in each database and how many tables they name: a schema counts its tables, FOR ALL TABLES counts the permanent user tables; partitions of a named partitioned table are not counted. Read from the catalog, not pg_publication_tables, which locks every published table (on 16+, to read column lists).',
  sources: ['pg_publication', 'pg_publication_rel', 'pg_publication_namespace (15+)'],
  scope: 'database',
  intervalSeconds: 600,
  retentionDays: 90,
  columns: [
    { name: 'pubname', type: 'text', key: true },
    { name: 'all_tables', type: 'boolean' },
    { name: 'operations', type: 'text' },
    { name: 'tables', type: 'int', unit: 'count' },
  ],
  sql: [V14, V15].map((minVersion) => ({
    minVersion,
    sql: `SELECT p.pubname::text, p.puballtables AS all_tables,
                 concat_ws(',', CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                           CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END) AS operations,
                 (SELECT count(*)::int FROM pg_class c
                   WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p' AND c.oid >= 16384
                     AND (CASE WHEN p.puballtables
                               THEN c.relkind = CASE WHEN p.pubviaroot THEN 'p' ELSE 'r' END
                                    OR (c.relkind = 'r' AND NOT c.relispartition)
                               ELSE c.oid IN (SELECT prrelid FROM pg_publication_rel WHERE prpubid = p.oid)
                                    ${minVersion >= V15 ? 'OR c.relnamespace IN (SELECT pnnspid FROM pg_publication_namespace WHERE pnpubid = p.oid)' : ''}
                          END)) AS tables
            FROM pg_publication p`,
  })),
});

export const subscriptions = defineProbe({
  name: 'subscriptions',
  title: 'Subscriptions',
  description:
    'Logical replication subscriptions: running workers, age of the last message and of the last reported end LSN.',
  sources: ['pg_stat_subscription'],
  scope: 'instance',
  intervalSeconds: 60,
  columns: [
    { name: 'subname', type: 'text', key: true },
    { name: 'workers', type: 'int', unit: 'count' },
    { name: 'last_msg_age_seconds', type: 'double', unit: 'seconds' },
    { name: 'latest_end_age_seconds', type: 'double', unit: 'seconds' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT subname::text, count(pid)::int AS workers,
                   extract(epoch FROM now() - max(last_msg_receipt_time))::double precision AS last_msg_age_seconds,
                   extract(epoch FROM now() - max(latest_end_time))::double precision AS latest_end_age_seconds
              FROM pg_stat_subscription GROUP BY subname`,
    },
  ],
});

export const subscriptionSync = defineProbe({
  name: 'subscription_sync',
  title: 'Subscriptions: enabled and table sync states',
  description:
    'Per subscription of this database: whether it is enabled (subenabled) and how many of its tables are in each pg_subscription_rel sync state: i (init), d (copying data), f (copy finished, 15+), s (synchronized), r (ready). not_ready counts every table not in r. Rows only in the database that owns the subscription.',
  sources: ['pg_subscription', 'pg_subscription_rel'],
  scope: 'database',
  intervalSeconds: 60,
  columns: [
    { name: 'subname', type: 'text', key: true },
    { name: 'enabled', type: 'boolean' },
    { name: 'tables', type: 'int', unit: 'count' },
    ...['init', 'copying', 'copied', 'synchronized', 'ready', 'not_ready'].map((name) => ({
      name,
      type: 'int' as const,
      unit: 'count' as const,
    })),
  ],
  sql: [
    {
      minVersion: V14,
      // pg_subscription is shared; pg_subscription_rel lives in the subscription's database.
      // subconninfo (the password) is not granted to PUBLIC and never read.
      sql: `SELECT s.subname::text, s.subenabled AS enabled, count(r.srrelid)::int AS tables,
                   count(*) FILTER (WHERE r.srsubstate = 'i')::int AS init,
                   count(*) FILTER (WHERE r.srsubstate = 'd')::int AS copying,
                   count(*) FILTER (WHERE r.srsubstate = 'f')::int AS copied,
                   count(*) FILTER (WHERE r.srsubstate = 's')::int AS synchronized,
                   count(*) FILTER (WHERE r.srsubstate = 'r')::int AS ready,
                   count(*) FILTER (WHERE r.srsubstate <> 'r')::int AS not_ready
              FROM pg_subscription s
              LEFT JOIN pg_subscription_rel r ON r.srsubid = s.oid
             WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             GROUP BY s.subname, s.subenabled`,
    },
  ],
});

const CONFLICTS_18 = [
  'confl_insert_exists',
  'confl_update_origin_differs',
  'confl_update_exists',
  'confl_update_missing',
  'confl_delete_origin_differs',
  'confl_delete_missing',
];

export const subscriptionStats = defineProbe({
  name: 'subscription_stats',
  title: 'Subscription errors and conflicts',
  description: 'Apply and sync errors per subscription (15+); conflict counts by kind (18+).',
  sources: ['pg_stat_subscription_stats'],
  scope: 'instance',
  intervalSeconds: 60,
  minServerVersion: V15,
  notes: '15+; conflict counters from 18.',
  columns: [
    { name: 'subname', type: 'text', key: true },
    { name: 'apply_error_count', type: 'bigint', counter: true },
    { name: 'sync_error_count', type: 'bigint', counter: true },
    ...CONFLICTS_18.map((name) => ({ name, type: 'bigint' as const, counter: true })),
  ],
  sql: [V15, V18].map((minVersion) => ({
    minVersion,
    sql: `SELECT subname::text, apply_error_count, sync_error_count,
                 ${CONFLICTS_18.map((c) => (minVersion >= V18 ? c : `NULL::bigint AS ${c}`)).join(', ')}
            FROM pg_stat_subscription_stats`,
  })),
});

export const recoveryPrefetch = defineProbe({
  name: 'recovery_prefetch',
  title: 'Recovery prefetch',
  description: 'Blocks prefetched (or skipped) during WAL replay, and the look-ahead distance.',
  sources: ['pg_stat_recovery_prefetch'],
  scope: 'instance',
  intervalSeconds: 60,
  minServerVersion: V15,
  notes: '15+.',
  columns: [
    ...['prefetch', 'hit', 'skip_init', 'skip_new', 'skip_fpw', 'skip_rep'].map((name) => ({
      name,
      type: 'bigint' as const,
      counter: true,
    })),
    { name: 'wal_distance', type: 'bigint', unit: 'bytes' },
    { name: 'block_distance', type: 'bigint' },
    { name: 'io_depth', type: 'bigint' },
  ],
  sql: [
    {
      minVersion: V15,
      sql: `SELECT prefetch, hit, skip_init, skip_new, skip_fpw, skip_rep, wal_distance::bigint,
                   block_distance::bigint, io_depth::bigint
              FROM pg_stat_recovery_prefetch`,
    },
  ],
});

export const spockNodes = defineProbe({
  name: 'spock_nodes',
  title: 'Spock nodes',
  description: 'Nodes of a Spock multi-master cluster, when the spock extension is installed.',
  sources: ['spock.node'],
  scope: 'database',
  intervalSeconds: 300,
  requiresExtension: 'spock',
  columns: [
    { name: 'node_id', type: 'bigint', key: true },
    { name: 'node_name', type: 'text' },
  ],
  sql: [{ minVersion: V14, sql: `SELECT node_id::bigint, node_name::text FROM spock.node` }],
});

export const spockSubscriptions = defineProbe({
  name: 'spock_subscriptions',
  title: 'Spock subscriptions',
  description: 'Spock subscriptions and their status, when the spock extension is installed.',
  sources: ['spock.sub_show_status()'],
  scope: 'database',
  intervalSeconds: 60,
  requiresExtension: 'spock',
  columns: [
    { name: 'subscription_name', type: 'text', key: true },
    { name: 'status', type: 'text' },
    { name: 'provider_node', type: 'text' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT subscription_name::text, status::text, provider_node::text FROM spock.sub_show_status()`,
    },
  ],
});

export const spockExceptions = defineProbe({
  name: 'spock_exceptions',
  title: 'Spock apply exceptions',
  description:
    'Rows in the Spock exception log (changes that failed to apply), when spock is installed.',
  sources: ['spock.exception_log'],
  scope: 'database',
  intervalSeconds: 60,
  requiresExtension: 'spock',
  columns: [{ name: 'exceptions', type: 'bigint', unit: 'count' }],
  sql: [{ minVersion: V14, sql: `SELECT count(*)::bigint AS exceptions FROM spock.exception_log` }],
});

export const spockResolutions = defineProbe({
  name: 'spock_resolutions',
  title: 'Spock conflict resolutions',
  description: 'Conflicts Spock resolved automatically, when spock is installed.',
  sources: ['spock.resolutions'],
  scope: 'database',
  intervalSeconds: 60,
  requiresExtension: 'spock',
  columns: [{ name: 'resolutions', type: 'bigint', unit: 'count' }],
  sql: [{ minVersion: V14, sql: `SELECT count(*)::bigint AS resolutions FROM spock.resolutions` }],
});
