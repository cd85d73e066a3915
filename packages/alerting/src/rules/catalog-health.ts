import { median } from 'simple-statistics';
import { baseline, DEFAULT_BASELINE } from '../core/baseline';
import { column, expr, num, pct } from './derive';
import { define } from './catalog-core';
import type { Derive, RuleDefinition } from './types';

const DAY_MS = 86_400_000;

/**
 * The day the PostgreSQL community stops fixing a major (five years after its release,
 * https://www.postgresql.org/support/versioning/). Majors not listed yet follow the pattern:
 * released in the autumn of 2011 + major, supported until the November five years later.
 */
const END_OF_LIFE: Readonly<Record<number, string>> = {
  12: '2024-11-21',
  13: '2025-11-13',
  14: '2026-11-12',
  15: '2027-11-11',
  16: '2028-11-09',
  17: '2029-11-08',
  18: '2030-11-14',
};
export function communityEndOfLife(major: number): Date {
  return new Date(`${END_OF_LIFE[major] ?? `${2012 + major}-11-08`}T00:00:00Z`);
}

/** 1 when the recovery state or the timeline differs from the sample before, else 0. */
const roleChanged: Derive = (rows) =>
  rows.slice(1).map((r, i) => {
    const before = rows[i]!.values;
    const tli = num(r.values.timeline_id);
    const tliBefore = num(before.timeline_id);
    const recovery = r.values.in_recovery !== before.in_recovery;
    return {
      at: r.at,
      value: recovery || (tli !== null && tliBefore !== null && tli !== tliBefore) ? 1 : 0,
    };
  });

/** Mean execution time of a statement in the interval, 0 with fewer calls than `min_calls`. */
const meanWithCalls: Derive = (rows, params) =>
  rows.map((r) => {
    const calls = num(r.values.calls) ?? 0;
    const total = num(r.values.total_exec_time);
    // the "(others)" row sums unrelated statements: no mean to judge
    if (r.values.queryid === '(others)' || total === null) return { at: r.at, value: null };
    return { at: r.at, value: calls >= params.min_calls! && calls > 0 ? total / calls : 0 };
  });

/**
 * After the newest plan change of a statement in the window: its mean time per call
 * under the new plan over its usual time under the plan before. Rows carry the plan
 * captured when they were written, and plans are captured hourly, so the last rows of
 * the old plan may already have run the new one: "usual" is the median of the old
 * plan's per-interval means, not their sum. 0 with no change in the window, or with
 * fewer than `min_calls` calls on either side: not judged.
 */
const planSlowdown: Derive = (rows, params) => {
  const fp = (j: number) => {
    const v = rows[j]!.values.plan_fingerprint;
    return typeof v === 'string' ? v : null;
  };
  const min = Math.max(1, params.min_calls!);
  return rows.map((r, i) => {
    const current = fp(i);
    if (current === null) return { at: r.at, value: 0 };
    // back from this row: the run of the current plan, then the run of the plan before it
    // (rows without a fingerprint, before the first capture, are skipped)
    const run = (plan: string, from: number) => {
      const means: number[] = [];
      let calls = 0;
      let ms = 0;
      let j = from;
      for (; j >= 0; j--) {
        const f = fp(j);
        if (f === null) continue;
        if (f !== plan) break;
        const c = num(rows[j]!.values.calls) ?? 0;
        const t = num(rows[j]!.values.total_exec_time) ?? 0;
        calls += c;
        ms += t;
        if (c > 0) means.push(t / c);
      }
      return { calls, ms, means, next: j };
    };
    const after = run(current, i);
    if (after.next < 0) return { at: r.at, value: 0 };
    const before = run(fp(after.next)!, after.next);
    const usual = before.means.length ? median(before.means) : 0;
    if (after.calls < min || before.calls < min || usual <= 0) return { at: r.at, value: 0 };
    return { at: r.at, value: after.ms / after.calls / usual };
  });
};

/** The current window of statement_vs_baseline, judged against the hours before it. */
export const STATEMENT_BASELINE_WINDOW_S = 900;
const HOUR_MS = 3_600_000;

/** The hours of statements rollups behind statement_vs_baseline's baseline. */
export const STATEMENT_BASELINE_HISTORY_S = 25 * 3600;

/**
 * How far a statement's mean time per call in the last 15 minutes is above its own
 * baseline, in robust standard deviations (0 when below, not judged or not warmed up):
 * the hourly means per call of the rows before the window (the hourly rollups' sums,
 * or raw rows of the hour), through the alerter's
 * baseline (same hour of the week, else of the day, else overall; median and MAD).
 * Judged only with `min_calls` calls in the window and a share of the server's execution
 * time (the collector's window_exec_time) of at least `min_share_pct`.
 */
const slowerThanBaseline: Derive = (rows, params) => {
  const last = rows[rows.length - 1];
  if (!last || last.values.queryid === '(others)') return [];
  const end = last.at.getTime();
  const start = end - STATEMENT_BASELINE_WINDOW_S * 1000;
  let calls = 0;
  let ms = 0;
  let serverMs = 0;
  const hours = new Map<number, { calls: number; ms: number }>();
  for (const r of rows) {
    const t = r.at.getTime();
    const c = num(r.values.calls) ?? 0;
    const m = num(r.values.total_exec_time) ?? 0;
    if (t > start) {
      calls += c;
      ms += m;
      serverMs += num(r.values.window_exec_time) ?? 0;
    } else {
      const hour = Math.floor(t / HOUR_MS) * HOUR_MS;
      const h = hours.get(hour) ?? { calls: 0, ms: 0 };
      h.calls += c;
      h.ms += m;
      hours.set(hour, h);
    }
  }
  const judged =
    calls >= Math.max(1, params.min_calls!) &&
    serverMs > 0 &&
    (100 * ms) / serverMs >= params.min_share_pct!;
  if (!judged) return [{ at: last.at, value: 0 }];
  const history = [...hours]
    .filter(([, h]) => h.calls > 0)
    .map(([hour, h]) => ({ at: new Date(hour), value: h.ms / h.calls }));
  const band = baseline(history, last.at, {
    ...DEFAULT_BASELINE,
    warmupHours: params.warmup_hours!,
    // hourly means vary less than a 15-minute one
    spreadFactor: Math.sqrt(3600 / STATEMENT_BASELINE_WINDOW_S),
  });
  if (!band.ready) return [{ at: last.at, value: 0 }];
  const deviation = (ms / calls - band.median) / band.spread;
  return [{ at: last.at, value: Math.max(0, Math.round(deviation * 100) / 100) }];
};

/** Role changes, node health, locks, statements and settings worth a look. */
export const HEALTH_RULES: RuleDefinition[] = [
  define({
    key: 'role_changed',
    name: 'Role changed (promotion or demotion)',
    category: 'availability',
    source: {
      probe: 'server_info',
      columns: ['in_recovery', 'timeline_id'],
      derive: roleChanged,
    },
    warning: null,
    critical: 0,
    forSeconds: 0,
    unit: 'bool',
    explanation:
      'pg_is_in_recovery() or the timeline changed since the sample before: a standby was promoted, a primary came back as a standby, or a standby now follows a new timeline. A promotion is not a restart, so server_restarted does not see it.',
    runbook:
      'Check that the failover was intended and that exactly one primary remains in the cluster; repoint clients and the other standbys (primary_conninfo, replication slots) at the new primary.',
  }),
  define({
    key: 'no_primary',
    name: 'No primary in the cluster',
    category: 'availability',
    // while the cluster's primary is down, its server_down message carries this one
    followsUpstream: true,
    source: {
      // one row per cluster, built by the alerter from its members' newest samples
      probe: '$clusters',
      columns: ['members', 'reachable', 'primaries'],
      objectKeys: ['cluster'],
      derive: expr((v) => ((v('members') ?? 0) > 0 ? (v('primaries') === 0 ? 1 : 0) : null)),
    },
    warning: null,
    critical: 0,
    forSeconds: 60,
    unit: 'bool',
    explanation:
      "None of the cluster's members, reachable or not, is a primary: every member that answers is in recovery, and the others cannot be reached. Writes fail everywhere until one is promoted. A member counts as a primary when its newest identity sample (server_info, every 5 minutes) says it is not in recovery and no newer connectivity sample says it is down.",
    runbook:
      'Find out why the primary is gone (crash, network, a failover that did not complete); promote the most advanced standby (pg_promote()) if the old primary will not come back soon, then repoint clients and the other standbys.',
  }),
  define({
    key: 'standby_replay_delay',
    name: 'Standby replay behind (standby view)',
    category: 'replication',
    followsUpstream: true,
    source: {
      probe: 'wal_receiver',
      columns: ['in_recovery', 'receive_replay_lag_bytes', 'replay_delay_seconds'],
      // the age of the last replayed transaction counts only while received WAL waits to be
      // replayed: an idle primary sends nothing, and its standby is not behind
      derive: expr((v) =>
        v('in_recovery') === 1 && (v('receive_replay_lag_bytes') ?? 0) > 0
          ? v('replay_delay_seconds')
          : 0,
      ),
    },
    warning: 300,
    critical: 1800,
    forSeconds: 120,
    unit: 'seconds',
    explanation:
      "On a standby: seconds since the last replayed transaction while received WAL waits to be replayed. It is the standby's own view, so it works when the primary is unreachable or the standby is cascaded.",
    runbook:
      'Look on the standby for replay paused (pg_is_wal_replay_paused()), recovery conflicts with long queries (max_standby_streaming_delay) or a standby too slow to apply the write load.',
  }),
  define({
    key: 'lock_table_used',
    name: 'Shared lock table filling',
    category: 'locks',
    source: { probe: 'lock_table', columns: ['used_pct'], derive: column('used_pct') },
    warning: 50,
    critical: 80,
    forSeconds: 120,
    unit: 'percent',
    explanation:
      'Locks in the shared lock table as a percentage of max_locks_per_transaction x (max_connections + max_prepared_transactions). When it is full, any session taking a lock fails with "out of shared memory".',
    runbook:
      'Find the sessions holding the most locks (pg_locks grouped by pid): usually one transaction touching thousands of partitions or tables. Commit in smaller batches, or raise max_locks_per_transaction (restart).',
  }),
  define({
    key: 'slow_statements',
    name: 'Slow statement',
    category: 'queries',
    source: {
      probe: 'statements',
      columns: ['calls', 'total_exec_time'],
      objectKeys: ['queryid', 'userid', 'dbid', 'toplevel'],
      derive: meanWithCalls,
    },
    params: {
      min_calls: { label: 'Minimum calls in the interval', default: 10, unit: 'count', min: 1 },
    },
    warning: 1000,
    critical: null,
    forSeconds: 300,
    unit: 'ms',
    explanation:
      'Mean execution time of one statement (pg_stat_statements) over the last interval, judged only when it ran at least min_calls times in it: a query that got slow, not a one-off report.',
    runbook:
      'Open the statement on the query page: compare its plan (EXPLAIN (ANALYZE, BUFFERS)) with its usual time; look for a missing index, stale statistics (ANALYZE) or a changed parameter.',
  }),
  define({
    key: 'plan_regression',
    name: 'Plan changed and got slower',
    category: 'queries',
    source: {
      probe: 'statements',
      columns: ['calls', 'total_exec_time', 'plan_fingerprint'],
      objectKeys: ['queryid', 'userid', 'dbid', 'toplevel'],
      derive: planSlowdown,
    },
    params: {
      min_calls: { label: 'Minimum calls on each side', default: 20, unit: 'count', min: 1 },
    },
    windowSeconds: 7200,
    warning: 2,
    critical: null,
    unit: 'ratio',
    link: ({ serverId, object }) => {
      const queryid = object?.split('.')[0];
      return queryid
        ? `/servers/${serverId}/queries/${encodeURIComponent(queryid)}#plan-diff`
        : null;
    },
    explanation:
      "A statement's plan changed (the collector explains the top statements hourly and compares their structure), and its mean time per call under the new plan is this many times its mean under the plan before, with at least min_calls calls under each, within the last two hours.",
    runbook:
      'Open the plan diff from the notification: a dropped or invalid index, stale statistics (ANALYZE the tables), a changed setting or a generic plan chosen for skewed data. Restore the index or statistics; as a stopgap, pin the plan with the setting that produced it for that role.',
  }),
  define({
    key: 'statement_vs_baseline',
    name: 'Statement slower than its baseline',
    category: 'queries',
    source: {
      probe: 'statements',
      columns: ['calls', 'total_exec_time', 'window_exec_time'],
      objectKeys: ['queryid', 'userid', 'dbid', 'toplevel'],
      derive: slowerThanBaseline,
      hourlyHistorySeconds: STATEMENT_BASELINE_HISTORY_S,
    },
    params: {
      min_calls: { label: 'Minimum calls in 15 minutes', default: 20, unit: 'count', min: 1 },
      min_share_pct: {
        label: "Minimum share of the server's execution time",
        default: 5,
        unit: 'percent',
        min: 0,
      },
      warmup_hours: {
        label: 'Hours of history before judging',
        default: 24,
        unit: 'count',
        min: 1,
      },
    },
    // only the window is read raw; the day before comes from the hourly rollups
    windowSeconds: STATEMENT_BASELINE_WINDOW_S,
    // off until enabled: its own cost is now small (its window lies inside plan_regression's
    // raw read, its day of hourly rollups is read once an hour), but that shared read of 2 hours
    // of raw statements rows still overruns the rule budget at 100 servers (docs/performance.md)
    enabledByDefault: false,
    aggregation: 'latest',
    warning: 3,
    critical: null,
    unit: 'sigma',
    explanation:
      "A statement's mean time per call in the last 15 minutes against its own baseline: the hourly means per call of the day before, through the alerter's seasonal baseline (same hour of the week, else of the day, else overall; median and MAD), in robust standard deviations above the median. Only statements with min_calls calls in the window and at least min_share_pct % of the server's execution time are judged; silent until warmup_hours of history. Catches a slowdown without a plan change (plan_regression covers plan changes). The day before comes from the statements' hourly rollups (sums per hour, so each hour's mean is its time over its calls), read once an hour; only the window is read raw. Off by default while the statement rules' shared read (plan_regression's 2 hours of raw rows) is too slow for a large fleet.",
    runbook:
      'Open the statement on the query page: if the plan is unchanged, look at what it waits on and spills (temp_blks_written: a lowered work_mem), at cache misses (shared_blks_read), locks, or more rows matched than before; check recent setting changes.',
  }),
  define({
    key: 'temp_files',
    name: 'Temporary files created',
    category: 'queries',
    source: {
      probe: 'database_stats',
      columns: ['temp_files'],
      objectKeys: ['datname'],
      derive: column('temp_files'),
    },
    aggregation: 'rate',
    warning: 1,
    critical: null,
    forSeconds: 600,
    unit: 'per_second',
    explanation:
      'Temporary files created per second (default threshold: one a second): many small sorts or hashes spilling out of work_mem, which temp_bytes alone does not show.',
    runbook:
      'Find the statements with temp_blks_written in pg_stat_statements; set log_temp_files to see each one, then add indexes or raise work_mem for that role only.',
  }),
  define({
    key: 'max_connections_oversized',
    name: 'max_connections far above use',
    category: 'connections',
    source: {
      probe: 'activity_extremes',
      columns: ['total_sessions', 'max_connections'],
      // a server configured for few connections is not oversized, whatever its use
      derive: expr((v) =>
        (v('max_connections') ?? 0) < 200 ? 100 : pct(v('total_sessions'), v('max_connections')),
      ),
    },
    aggregation: 'max',
    operator: '<',
    warning: 10,
    critical: null,
    // a day under 10 %: the peak of a whole day, without reading a day of samples each cycle
    forSeconds: 86_400,
    unit: 'percent',
    defaultSeverity: 'info',
    explanation:
      'Sessions stayed under 10 % of max_connections (200 or more) for a day. Each allowed connection reserves shared memory (lock table, snapshots), and a high ceiling lets a connection storm in instead of queueing in a pooler.',
    runbook:
      'Lower max_connections towards the observed peak plus headroom (restart), and put a pooler (PgBouncer) in front of clients that open many connections.',
  }),
  define({
    key: 'unsupported_version',
    name: 'PostgreSQL major near or past end of life',
    category: 'availability',
    source: {
      probe: 'server_info',
      columns: ['version_num'],
      derive: (rows) =>
        rows.map((r) => {
          const v = num(r.values.version_num);
          if (v === null) return { at: r.at, value: null };
          const eol = communityEndOfLife(Math.floor(v / 10000)).getTime();
          return { at: r.at, value: Math.floor((eol - r.at.getTime()) / DAY_MS) };
        }),
    },
    operator: '<',
    warning: 180,
    critical: 0,
    forSeconds: 0,
    unit: 'days',
    explanation:
      'Days until the PostgreSQL community stops releasing fixes for this major version (five years after its release); negative once it has.',
    runbook:
      'Plan a major upgrade (pg_upgrade, or logical replication to a new cluster); pgvigil supports 14 to 18.',
  }),
];
