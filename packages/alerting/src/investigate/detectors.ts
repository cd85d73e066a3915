import { fmt, formatValue } from '@pgvigil/schema';
import type { Evidence } from './types';
import { hhmm, shortQuery, type Findings } from './findings';

/** What a detector says: a cause with its score and how the score was made. */
export interface Verdict {
  title: string;
  summary: string;
  score: number;
  reasons: string[];
  evidence: Evidence[];
}
export type Detector = (f: Findings) => Verdict | null;

const shift = (f: Findings, metric: string) => f.metrics.find((m) => m.metric === metric);

/** Settings whose change moves plans, memory use or I/O. */
const PERFORMANCE_SETTING =
  /^(work_mem|hash_mem_multiplier|maintenance_work_mem|shared_buffers|effective_cache_size|effective_io_concurrency|random_page_cost|seq_page_cost|cpu_\w+_cost|enable_\w+|jit\w*|max_parallel_\w+|parallel_\w+|default_statistics_target|plan_cache_mode|from_collapse_limit|join_collapse_limit|geqo\w*|temp_buffers|max_wal_size|min_wal_size|checkpoint_\w+|wal_\w+|synchronous_commit|commit_delay|bgwriter_\w+|statement_timeout|lock_timeout|idle_in_transaction_session_timeout)$/;

/** Sessions queued behind one root blocker: the root, what it ran, since when. */
export const lockPileUp: Detector = (f) => {
  const chain = [...f.blocking].sort(
    (a, b) => b.blocked - a.blocked || b.longestSeconds - a.longestSeconds || a.rootPid - b.rootPid,
  )[0];
  if (!chain) return null;
  const root = f.sessions.at.find((s) => s.pid === chain.rootPid);
  const idle = (chain.rootState ?? root?.state ?? '').startsWith('idle in transaction');
  // since the root's transaction began, when the session list says so
  const since =
    root?.xact_seconds != null
      ? new Date(root.collected_at.getTime() - root.xact_seconds * 1000)
      : chain.firstSeen;
  const query = chain.rootQuery ?? root?.query ?? null;
  const reasons = [
    `${chain.blocked} session(s) wait behind pid ${chain.rootPid} (+${Math.min(0.4, 0.1 * chain.blocked).toFixed(2)} over 0.5)`,
  ];
  const waits = shift(f, 'activity_summary.wait_event_type=Lock');
  let score = 0.5 + Math.min(0.4, 0.1 * chain.blocked);
  if (waits && waits.score >= 3) {
    score += 0.05;
    reasons.push(
      `lock waits ${fmt(waits.baselineMedian)} -> ${fmt(waits.current)} sessions (+0.05)`,
    );
  }
  const evidence: Evidence[] = [
    {
      kind: 'session',
      label: `pid ${chain.rootPid}`,
      pid: chain.rootPid,
      href: f.links.session(chain.rootPid),
    },
    {
      kind: 'chart',
      label: 'Wait events',
      chart: 'wait_events',
      href: f.links.chart('wait_events'),
    },
  ];
  if (root?.query_id) {
    evidence.push({
      kind: 'query',
      label: `query ${root.query_id}`,
      queryId: root.query_id,
      href: f.links.query(root.query_id),
    });
  }
  return {
    title: 'Lock pile-up',
    summary: `lock pile-up behind pid ${chain.rootPid} ${idle ? 'idle in transaction after' : 'running'} \`${shortQuery(query)}\` since ${hhmm(since)}`,
    score,
    reasons,
    evidence,
  };
};

/** A performance setting changed shortly before the start, and statements got slower after it. */
export const settingChange: Detector = (f) => {
  const moved = f.settings.filter((s) => s.previousAt <= f.start);
  if (!moved.length) return null;
  const relevant = moved.filter((s) => PERFORMANCE_SETTING.test(s.name));
  const list = relevant.length ? relevant : moved;
  let score = relevant.length ? 0.55 : 0.3;
  const reasons = [
    relevant.length
      ? `${relevant.length} planner / memory / I/O setting(s) changed before the start (0.55)`
      : `${moved.length} setting(s) changed before the start (0.3)`,
  ];
  const slower = f.statements.filter(
    (s) =>
      s.before.calls > 0 &&
      s.after.calls >= 0.5 * s.before.calls &&
      s.before.meanMs !== null &&
      s.after.meanMs !== null &&
      s.after.meanMs >= 1.5 * s.before.meanMs + 0.05,
  );
  if (slower.length) {
    score += 0.3;
    reasons.push(
      `${slower.length} statement(s) slower per call since then, as often as before (+0.3)`,
    );
  }
  const temp = shift(f, 'database_stats.temp_bytes');
  if (temp && temp.score >= 3) {
    score += 0.05;
    reasons.push(`temporary file bytes ${temp.score} σ up (+0.05)`);
  }
  const change = (s: (typeof list)[number]) =>
    `${s.name} ${s.before ?? '(unset)'}${s.unit && s.before ? ` ${s.unit}` : ''} → ${s.after ?? '(unset)'}${s.unit && s.after ? ` ${s.unit}` : ''}`;
  return {
    title: 'Setting change',
    summary: `setting change: ${list.slice(0, 3).map(change).join(', ')} (seen ${hhmm(list[0]!.seenAt)})`,
    score,
    reasons,
    evidence: [
      ...list.map((s): Evidence => ({
        kind: 'setting',
        label: change(s),
        setting: s.name,
        href: f.links.setting(s.name),
      })),
      ...slower.slice(0, 3).map((s): Evidence => ({
        kind: 'query',
        label: `${shortQuery(s.query, 40)}: ${fmtMs(s.before.meanMs)} → ${fmtMs(s.after.meanMs)} per call`,
        queryId: s.queryId,
        href: f.links.query(s.queryId),
      })),
    ],
  };
};

const fmtMs = (ms: number | null) => (ms === null ? '?' : formatValue(ms, 'ms'));

/** Requested checkpoints and WAL surge together, with the statement that wrote the WAL. */
export const checkpointStorm: Detector = (f) => {
  const req = shift(f, 'checkpointer.num_requested');
  if (!req || req.current <= 0 || req.score < 3) return null;
  const wal = shift(f, 'wal.wal_bytes');
  const writer = [...f.statements].sort(
    (a, b) => b.after.walBytes - b.before.walBytes - (a.after.walBytes - a.before.walBytes),
  )[0];
  let score = 0.6;
  const reasons = [`requested checkpoints ${fmt(req.current * 60)}/min, none usually (0.6)`];
  if (wal && wal.score >= 3) {
    score += 0.2;
    reasons.push(`WAL ${formatValue(wal.current, 'bytes_per_second')}, ${wal.score} σ up (+0.2)`);
  }
  const writes = writer && writer.after.walBytes > 2 * writer.before.walBytes + 65_536;
  if (writes) {
    score += 0.1;
    reasons.push(
      `one statement wrote ${formatValue(writer.after.walBytes, 'bytes_per_second')} of WAL (+0.1)`,
    );
  }
  return {
    title: 'Checkpoint storm',
    summary: `checkpoint storm from a bulk write: ${fmt(req.current * 60)} requested checkpoints/min${wal ? `, WAL ${formatValue(wal.current, 'bytes_per_second')}` : ''}${writes ? ` from \`${shortQuery(writer.query)}\`` : ''}`,
    score,
    reasons,
    evidence: [
      {
        kind: 'chart',
        label: 'Checkpoints',
        chart: 'checkpoints',
        href: f.links.chart('checkpoints'),
      },
      { kind: 'chart', label: 'WAL written', chart: 'wal', href: f.links.chart('wal') },
      ...(writes
        ? [
            {
              kind: 'query',
              label: `query ${writer.queryId}`,
              queryId: writer.queryId,
              href: f.links.query(writer.queryId),
            } as const,
          ]
        : []),
    ],
  };
};

const who = (s: {
  application_name: string | null;
  usename: string | null;
  datname: string | null;
}) =>
  `${s.application_name ? `'${s.application_name}'` : '(no application name)'} as ${s.usename ?? '?'} on ${s.datname ?? '?'}`;

/** Idle sessions piling up from one application and role. */
export const connectionLeak: Detector = (f) => {
  const group = (rows: typeof f.sessions.at) => {
    const out = new Map<string, typeof rows>();
    for (const s of rows.filter(
      (r) => r.state === 'idle' || r.state?.startsWith('idle in transaction'),
    )) {
      const key = who(s);
      out.set(key, [...(out.get(key) ?? []), s]);
    }
    return out;
  };
  const now = group(f.sessions.at);
  const before = group(f.sessions.baseline);
  const grown = [...now]
    .map(([key, rows]) => ({ key, rows, more: rows.length - (before.get(key)?.length ?? 0) }))
    .sort((a, b) => b.more - a.more || a.key.localeCompare(b.key))[0];
  if (!grown || grown.more < 3) return null;
  const total = shift(f, 'activity_extremes.total_sessions');
  let score = 0.4 + Math.min(0.4, 0.04 * grown.more);
  const reasons = [
    `${grown.more} more idle sessions from one application and role (${score.toFixed(2)})`,
  ];
  if (total && total.score >= 3) {
    score += 0.1;
    reasons.push(`client sessions ${fmt(total.baselineMedian)} -> ${fmt(total.current)} (+0.1)`);
  }
  const oldest = grown.rows
    .map((r) => r.backend_start)
    .filter((d): d is Date => d !== null)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return {
    title: 'Connection leak',
    summary: `connection leak: ${grown.more} more idle sessions from ${grown.key}${oldest ? `, opened since ${hhmm(oldest)}` : ''}`,
    score,
    reasons,
    evidence: [
      {
        kind: 'chart',
        label: 'Sessions by state',
        chart: 'sessions',
        href: f.links.chart('sessions'),
      },
    ],
  };
};

/** "New since the start" needs this much statement history before it (3 default runs). */
export const STATEMENT_BASELINE_SECONDS = 180;

/**
 * A statement that suddenly runs far more (new, or several times as often) and
 * reads many blocks: a runaway query scanning. Write-heavy statements are the
 * checkpoint detector's. Silent without 3 minutes of statement history before
 * the start: then every statement looks new.
 */
export const runawayQuery: Detector = (f) => {
  if (f.statementBaselineSeconds < STATEMENT_BASELINE_SECONDS) return null;
  const grownTime = (s: (typeof f.statements)[number]) => s.after.timeMs - s.before.timeMs;
  const total = f.statements.reduce((sum, s) => sum + Math.max(0, grownTime(s)), 0);
  const hit = f.statements
    .filter(
      (s) =>
        s.after.calls >= 2 * s.before.calls + 0.01 &&
        s.after.walBytes < 262_144 &&
        s.after.blocks >= 10 * s.before.blocks + 100 &&
        grownTime(s) > 0,
    )
    .sort((a, b) => grownTime(b) - grownTime(a) || a.queryId.localeCompare(b.queryId))[0];
  if (!hit || total <= 0) return null;
  const share = grownTime(hit) / total;
  let score = 0.4 + 0.4 * share;
  const reasons = [
    `${shortQuery(hit.query, 40)} is ${Math.round(share * 100)} % of the added statement time (${score.toFixed(2)})`,
  ];
  const longest = [...f.sessions.at]
    .filter(
      (s) => s.state === 'active' && s.wait_event_type !== 'Lock' && (s.query_seconds ?? 0) > 0,
    )
    .sort((a, b) => (b.query_seconds ?? 0) - (a.query_seconds ?? 0))[0];
  const evidence: Evidence[] = [
    {
      kind: 'query',
      label: `query ${hit.queryId}`,
      queryId: hit.queryId,
      href: f.links.query(hit.queryId),
    },
    { kind: 'chart', label: 'Buffer reads', chart: 'cache_hit', href: f.links.chart('cache_hit') },
  ];
  const scans = shift(f, 'database_stats.tup_returned');
  if (scans && scans.score >= 3) {
    score += 0.1;
    reasons.push(`rows scanned ${scans.score} σ up (+0.1)`);
    evidence.push({
      kind: 'chart',
      label: 'Tuples',
      chart: 'tuples',
      href: f.links.chart('tuples'),
    });
  }
  if (longest)
    evidence.push({
      kind: 'session',
      label: `pid ${longest.pid}`,
      pid: longest.pid,
      href: f.links.session(longest.pid),
    });
  return {
    title: 'Runaway query',
    summary: `runaway query: \`${shortQuery(hit.query)}\` (query id ${hit.queryId}) ${fmt(hit.after.calls * 60)} calls/min reading ${fmt(hit.after.blocks)} blocks/s${longest ? `, pid ${longest.pid} running ${formatValue(longest.query_seconds, 'seconds')}` : ''}`,
    score,
    reasons,
    evidence,
  };
};

/** Statements slower per call with no setting change to explain it: a plan or data change. */
export const slowerStatements: Detector = (f) => {
  const slower = f.statements
    .filter(
      (s) =>
        s.before.calls > 0 &&
        s.after.calls >= 0.5 * s.before.calls &&
        s.before.meanMs !== null &&
        s.after.meanMs !== null &&
        s.after.meanMs >= 2 * s.before.meanMs + 0.05,
    )
    .sort((a, b) => b.after.timeMs - b.before.timeMs - (a.after.timeMs - a.before.timeMs));
  const top = slower[0];
  if (!top) return null;
  return {
    title: 'Slower statements',
    summary: `\`${shortQuery(top.query)}\` slower: ${fmtMs(top.before.meanMs)} → ${fmtMs(top.after.meanMs)} per call${slower.length > 1 ? ` (and ${slower.length - 1} more)` : ''}`,
    score: 0.35,
    reasons: [
      `${slower.length} statement(s) at least twice as slow per call, as often as before (0.35)`,
    ],
    evidence: slower.slice(0, 3).map((s): Evidence => ({
      kind: 'query',
      label: `query ${s.queryId}`,
      queryId: s.queryId,
      href: f.links.query(s.queryId),
    })),
  };
};

/** A timeline entry of a kind shortly before the start: a restart, a failover, DDL, a deploy. */
const timelineCause =
  (kind: 'restart' | 'failover' | 'ddl' | 'event', title: string, base: number): Detector =>
  (f) => {
    const hits = f.timeline.filter(
      (e) => e.kind === kind && e.at <= f.start && e.serverName === null,
    );
    const last = hits.at(-1);
    if (!last) return null;
    // the closer to the start, the likelier: up to +0.2 within the last minutes
    const minutes = (f.start.getTime() - last.at.getTime()) / 60_000;
    const near = Math.max(0, 0.2 * (1 - minutes / 60));
    return {
      title,
      summary: `${title.toLowerCase()}: ${last.text} at ${hhmm(last.at)}`,
      score: base + near,
      reasons: [
        `${kind} ${Math.round(minutes)} min before the start (${base} + ${near.toFixed(2)})`,
      ],
      evidence: [{ kind: 'event', label: last.text, href: last.href }],
    };
  };

export const restart = timelineCause('restart', 'Restart', 0.5);
export const failover = timelineCause('failover', 'Failover', 0.55);
export const schemaChange = timelineCause('ddl', 'Schema change', 0.3);
export const deployMarker = timelineCause('event', 'Deploy', 0.3);

/** Every detector, in the order that breaks ties. */
export const DETECTORS = {
  lockPileUp,
  checkpointStorm,
  connectionLeak,
  settingChange,
  runawayQuery,
  failover,
  restart,
  slowerStatements,
  schemaChange,
  deployMarker,
} as const satisfies Record<string, Detector>;
