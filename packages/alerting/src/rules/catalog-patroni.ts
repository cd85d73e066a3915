import { define } from './catalog-core';
import { expr, pct } from './derive';
import type { RuleDefinition } from './types';

// metrics.patroni holds one row per registered member per poll of the cluster's REST API.
// Cluster-wide rules judge only the row that speaks for the cluster (cluster_row = 1), so
// a cluster without a leader is one alert, not one per member; the other rows give 0.
const PROBE = 'patroni';
const clusterWide = (fn: (v: (name: string) => number | null) => number | null) =>
  expr((v) => (v('cluster_row') === 1 ? fn(v) : 0));

/** Patroni clusters: leader, members, lag against the failover limit, sync mode, pause. */
export const PATRONI_RULES: RuleDefinition[] = [
  define({
    key: 'patroni_no_leader',
    name: 'Patroni cluster without a leader',
    category: 'availability',
    source: {
      probe: PROBE,
      columns: ['cluster_row', 'has_leader'],
      derive: clusterWide((v) => (v('has_leader') === 1 ? 0 : 1)),
    },
    warning: null,
    critical: 0,
    forSeconds: 30,
    unit: 'bool',
    explanation:
      'No member holds the leader lock in the DCS: the cluster takes no writes. Patroni elects a new leader within its ttl unless no member is healthy enough (lag over maximum_lag_on_failover, nofailover tags) or the cluster is paused.',
    runbook:
      'Run `patronictl list`: look for a paused cluster, members that are stopped or too far behind, and the DCS (etcd, Consul) being reachable from every member. `patronictl failover` picks a leader by hand.',
  }),
  define({
    key: 'patroni_member_not_running',
    name: 'Patroni member not running',
    category: 'availability',
    source: {
      probe: PROBE,
      columns: ['running', 'state'],
      derive: expr((v) => (v('running') === 1 ? 0 : 1)),
    },
    warning: 0,
    critical: null,
    forSeconds: 60,
    unit: 'bool',
    explanation:
      "Patroni reports this member's PostgreSQL as not running (stopped, starting, crashed, or restarting): it serves no queries and cannot take over.",
    runbook:
      "Read the member's Patroni and PostgreSQL logs. A member stuck in 'starting' often waits for WAL it cannot find (pg_rewind failed, archive missing): reinitialise it with `patronictl reinit`.",
  }),
  define({
    key: 'patroni_lag_over_failover_limit',
    name: "Replica lag near the cluster's maximum_lag_on_failover",
    category: 'replication',
    source: {
      probe: PROBE,
      columns: ['role', 'lag_bytes', 'maximum_lag_on_failover'],
      // the leader has no lag; "unknown" lag (a stopped replica) is the rule above's
      derive: expr((v) =>
        v('lag_bytes') === null ? 0 : pct(v('lag_bytes'), v('maximum_lag_on_failover')),
      ),
    },
    warning: 80,
    critical: 100,
    forSeconds: 60,
    unit: 'percent',
    explanation:
      "The replica's lag behind the leader as a share of the cluster's maximum_lag_on_failover. Over 100 %, Patroni will not promote this replica in a failover.",
    runbook:
      'Look for a replica slowed by I/O or conflicting queries, or a network link too slow for the write load. Raise maximum_lag_on_failover only if losing that much WAL in a failover is acceptable.',
  }),
  define({
    key: 'patroni_sync_standby_missing',
    name: 'Synchronous standby missing (synchronous_mode on)',
    category: 'replication',
    source: {
      probe: PROBE,
      columns: ['cluster_row', 'synchronous_mode', 'sync_standbys'],
      derive: clusterWide((v) =>
        v('synchronous_mode') === 1 && (v('sync_standbys') ?? 0) === 0 ? 1 : 0,
      ),
    },
    warning: null,
    critical: 0,
    forSeconds: 60,
    unit: 'bool',
    explanation:
      'synchronous_mode is on but no member is a synchronous standby: commits are not protected against losing the leader (or, with synchronous_mode_strict, they wait).',
    runbook:
      'Check that the replicas run and stream (`patronictl list`) and that none carries the nosync tag. A replica too far behind becomes sync again once it catches up.',
  }),
  define({
    key: 'patroni_paused',
    name: 'Patroni cluster paused',
    category: 'availability',
    source: {
      probe: PROBE,
      columns: ['cluster_row', 'paused'],
      derive: clusterWide((v) => v('paused')),
    },
    warning: 0,
    critical: null,
    // a pause is maintenance: only one left on for long is worth an alert
    forSeconds: 1800,
    unit: 'bool',
    explanation:
      'The cluster is in maintenance mode (`patronictl pause`): Patroni neither fails over nor restarts PostgreSQL while it lasts.',
    runbook: 'Finish the maintenance and run `patronictl resume`.',
  }),
];
