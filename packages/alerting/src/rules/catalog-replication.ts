import { column, growthWithin, num, perRow, shareWithin } from './derive';
import { define, GiB, MiB } from './catalog-core';
import type { RuleDefinition } from './types';

/** Replication, slots, subscriptions, wraparound, WAL and archiving. */
export const REPLICATION_RULES: RuleDefinition[] = [
  define({
    key: 'replication_lag_bytes',
    name: 'Replication lag (bytes)',
    category: 'replication',
    source: {
      probe: 'replication',
      columns: ['replay_lag_bytes'],
      objectKeys: ['application_name', 'client_addr'],
      derive: column('replay_lag_bytes'),
    },
    warning: 50 * MiB,
    critical: 100 * MiB,
    unit: 'bytes',
    explanation:
      'WAL the standby has received but not replayed yet, measured on the primary (pg_stat_replication).',
    runbook:
      'Check the standby for long queries conflicting with replay, I/O saturation, or max_standby_streaming_delay. Network throughput limits show as write lag.',
  }),
  define({
    key: 'replication_lag_time',
    name: 'Replication lag (time)',
    category: 'replication',
    source: {
      probe: 'replication',
      columns: ['replay_lag_seconds', 'state'],
      objectKeys: ['application_name', 'client_addr'],
      // replay_lag is NULL once a streaming standby has caught up and the primary is
      // idle: no lag, not missing data (otherwise the last lagging value would linger)
      derive: (rows) =>
        rows.map((r) => ({
          at: r.at,
          value: num(r.values.replay_lag_seconds) ?? (r.values.state === 'streaming' ? 0 : null),
        })),
    },
    warning: 300,
    critical: null,
    unit: 'seconds',
    explanation: 'replay_lag from pg_stat_replication: how far behind reads on the standby are.',
    runbook:
      'As for byte lag. A lag that only grows means replay is stuck (look for a conflicting query or a lock on the standby).',
  }),
  define({
    key: 'standby_disconnected',
    name: 'Standby not streaming',
    category: 'replication',
    followsUpstream: true,
    source: {
      probe: 'wal_receiver',
      columns: ['in_recovery', 'status'],
      // 1 on a standby whose WAL receiver is not streaming; 0 on a primary
      derive: (rows) =>
        rows.map((r) => ({
          at: r.at,
          value: r.values.in_recovery === true && r.values.status !== 'streaming' ? 1 : 0,
        })),
    },
    operator: '>',
    warning: null,
    critical: 0,
    forSeconds: 120,
    unit: 'bool',
    explanation:
      'On a standby, the WAL receiver is not in the streaming state: it is falling back to archive recovery or not replicating at all.',
    runbook:
      "Check primary_conninfo, the network, the primary's pg_hba.conf and whether the slot still exists; the standby log says why the receiver stopped.",
  }),
  define({
    key: 'slot_inactive',
    name: 'Replication slot inactive',
    category: 'replication',
    source: {
      probe: 'replication_slots',
      columns: ['active'],
      objectKeys: ['slot_name'],
      derive: column('active'),
    },
    operator: '<',
    warning: 1,
    critical: null,
    forSeconds: 600,
    unit: 'bool',
    explanation:
      'Nobody consumes this slot. It keeps WAL (and, for logical slots, catalog rows) until it is used or dropped.',
    runbook:
      'Reconnect the consumer, or drop the slot with pg_drop_replication_slot() if it is abandoned.',
  }),
  define({
    key: 'slot_retained_wal',
    name: 'Replication slot retaining WAL',
    category: 'replication',
    source: {
      probe: 'replication_slots',
      columns: ['retained_bytes'],
      objectKeys: ['slot_name'],
      derive: column('retained_bytes'),
    },
    warning: 1 * GiB,
    critical: 10 * GiB,
    unit: 'bytes',
    explanation:
      'WAL kept for this slot (current LSN minus restart_lsn). Unbounded retention fills the disk.',
    runbook:
      "Fix or drop the slot's consumer; set max_slot_wal_keep_size so one slot cannot take the server down.",
  }),
  define({
    key: 'slot_wal_lost',
    name: 'Replication slot lost its WAL',
    category: 'replication',
    source: {
      probe: 'replication_slots',
      columns: ['wal_status'],
      objectKeys: ['slot_name'],
      derive: (rows) =>
        rows.map((r) => ({ at: r.at, value: r.values.wal_status === 'lost' ? 1 : 0 })),
    },
    warning: null,
    critical: 0,
    forSeconds: 0,
    unit: 'bool',
    explanation:
      'wal_status = lost: WAL this slot needs was removed; its consumer can never catch up.',
    runbook: 'Rebuild the standby or re-sync the subscriber, then drop and recreate the slot.',
  }),
  define({
    key: 'subscription_down',
    name: 'Subscription worker down',
    operator: '<',
    category: 'replication',
    source: {
      probe: 'subscriptions',
      columns: ['workers'],
      objectKeys: ['subname'],
      derive: column('workers'),
    },
    warning: null,
    critical: 1,
    forSeconds: 120,
    unit: 'bool',
    explanation:
      'A logical-replication subscription has no running worker in pg_stat_subscription.',
    runbook:
      'The subscriber log shows the apply error (often a conflict or a missing table); fix it, or ALTER SUBSCRIPTION ... SKIP on 15+.',
  }),
  define({
    key: 'subscription_disabled',
    name: 'Subscription disabled',
    category: 'replication',
    source: {
      probe: 'subscription_sync',
      columns: ['enabled'],
      objectKeys: ['subname'],
      derive: perRow((r) =>
        r.values.enabled === false ? 1 : r.values.enabled === true ? 0 : null,
      ),
    },
    warning: 0,
    critical: null,
    forSeconds: 300,
    unit: 'bool',
    explanation:
      'A logical-replication subscription is disabled (pg_subscription.subenabled = false): nothing is applied, and its slot on the publisher keeps WAL. A subscription also disables itself after an apply error when created WITH (disable_on_error).',
    runbook:
      'If nobody disabled it on purpose, read the subscriber log for the apply error, fix it, then ALTER SUBSCRIPTION ... ENABLE.',
  }),
  define({
    key: 'subscription_tables_not_ready',
    name: 'Subscription tables not ready',
    category: 'replication',
    source: {
      probe: 'subscription_sync',
      columns: ['not_ready'],
      objectKeys: ['subname'],
      derive: column('not_ready'),
    },
    warning: 0,
    critical: null,
    forSeconds: 1800,
    unit: 'count',
    explanation:
      "Tables of a subscription not in the ready state (pg_subscription_rel.srsubstate other than r) for longer than the rule's `for` (30 minutes): their initial copy or catch-up is stuck, and changes to them are not applied.",
    runbook:
      'The subscriber log names the table sync worker and its error (a duplicate key from rows already on the subscriber, a missing column or privilege). Fix it and the worker retries; see pg_stat_subscription for the sync workers and max_sync_workers_per_subscription.',
  }),
  define({
    key: 'xid_wraparound',
    name: 'Transaction ID age (wraparound)',
    category: 'wraparound',
    source: {
      probe: 'wraparound',
      columns: ['xid_wraparound_pct'],
      objectKeys: ['datname'],
      derive: column('xid_wraparound_pct'),
    },
    warning: 50,
    critical: 75,
    forSeconds: 0,
    unit: 'percent',
    explanation:
      'age(datfrozenxid) as a percentage of the 2^31 transactions after which PostgreSQL stops accepting writes.',
    runbook:
      'Find the oldest tables (age(relfrozenxid)), remove what holds the horizon back (old transactions, slots, prepared transactions), then VACUUM (FREEZE) them.',
  }),
  define({
    key: 'xid_freeze_max_age',
    name: 'Transaction ID age vs autovacuum_freeze_max_age',
    category: 'wraparound',
    source: {
      probe: 'wraparound',
      columns: ['xid_emergency_pct'],
      objectKeys: ['datname'],
      derive: column('xid_emergency_pct'),
    },
    warning: 110,
    critical: 125,
    forSeconds: 0,
    unit: 'percent',
    explanation:
      'Past 100 % autovacuum should already be running anti-wraparound vacuums; staying above means they cannot finish.',
    runbook:
      'Look for autovacuum workers stuck on locks, cost limits too low, or a horizon held back; run VACUUM manually on the oldest tables.',
  }),
  define({
    key: 'mxid_wraparound',
    name: 'Multixact age (wraparound)',
    category: 'wraparound',
    source: {
      probe: 'wraparound',
      columns: ['mxid_wraparound_pct'],
      objectKeys: ['datname'],
      derive: column('mxid_wraparound_pct'),
    },
    warning: 50,
    critical: 75,
    forSeconds: 0,
    unit: 'percent',
    explanation: 'mxid_age(datminmxid) as a percentage of the multixact wraparound limit.',
    runbook:
      'As for transaction IDs; heavy SELECT ... FOR SHARE / foreign keys consume multixacts.',
  }),
  define({
    key: 'mxid_freeze_max_age',
    name: 'Multixact age vs autovacuum_multixact_freeze_max_age',
    category: 'wraparound',
    source: {
      probe: 'wraparound',
      columns: ['mxid_emergency_pct'],
      objectKeys: ['datname'],
      derive: column('mxid_emergency_pct'),
    },
    warning: 110,
    critical: 125,
    forSeconds: 0,
    unit: 'percent',
    explanation: 'Multixact age relative to the point where autovacuum forces freezing.',
    runbook: 'As for transaction ID age vs autovacuum_freeze_max_age.',
  }),
  define({
    key: 'archiver_failing',
    name: 'WAL archiving failing',
    category: 'wal',
    source: { probe: 'archiver', columns: ['failing'], derive: column('failing') },
    warning: null,
    critical: 0,
    forSeconds: 300,
    unit: 'bool',
    explanation:
      'pg_stat_archiver shows a failure newer than the last success: WAL piles up in pg_wal and point-in-time recovery has a gap.',
    runbook:
      'Run archive_command by hand as the postgres user with the failing file name; check the destination space and credentials.',
  }),
  define({
    key: 'wal_directory_growth',
    name: 'WAL directory growth',
    category: 'wal',
    source: {
      probe: 'wal_directory',
      columns: ['size_bytes'],
      derive: growthWithin('size_bytes', 3600),
    },
    windowSeconds: 3600,
    warning: 5 * GiB,
    critical: 20 * GiB,
    forSeconds: 0,
    unit: 'bytes',
    explanation:
      'Growth of pg_wal over the last hour (above its lowest size in that hour: recycling is not growth). WAL that is not recycled is held by a slot, a failing archiver or wal_keep_size.',
    runbook:
      'Check slot retention and archiver status first; then max_wal_size and checkpoint frequency.',
  }),
  define({
    key: 'checkpoints_requested',
    name: 'Requested checkpoints',
    category: 'wal',
    source: {
      probe: 'checkpointer',
      columns: ['num_timed', 'num_requested'],
      derive: shareWithin(['num_requested'], ['num_requested', 'num_timed'], 3600),
    },
    windowSeconds: 3600,
    warning: 50,
    critical: null,
    forSeconds: 0,
    unit: 'percent',
    explanation:
      'Checkpoints forced by max_wal_size (or a manual CHECKPOINT) as a share of all checkpoints over an hour; an hour without checkpoints is 0 %. High means the server writes more WAL than max_wal_size allows between timed checkpoints.',
    runbook: 'Raise max_wal_size so checkpoints happen on checkpoint_timeout.',
  }),
];
