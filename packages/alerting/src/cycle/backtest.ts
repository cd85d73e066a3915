import type { Severity } from '@pgvigil/schema';
import {
  INITIAL_STATUS,
  isOpen,
  resolveOverrides,
  severityRank,
  step,
  tuningOf,
  type AlertStatus,
  type Observation,
  type Sample,
} from '../core';
import { inScope, paramValues } from '../rules';
import { judgeOf, type Judge } from './backtest-judge';
import { conditionOf, type Series } from './observe';
import { blackedOut, type PlanRule, type PlanServer, type ScopedBlackout } from './plan';

/** One time the rule would have fired on one series: from firing to resolved. */
export interface BacktestEpisode {
  serverId: number | null;
  database: string | null;
  object: string | null;
  start: Date;
  /** null: still open at the end of the replay */
  end: Date | null;
  /** worst value while in breach */
  peak: number | null;
  /** highest severity reached */
  severity: Severity;
  /** held in a blackout the whole time: recorded, never sent */
  silenced: boolean;
}

/**
 * A stretch of a series' replay: its derived samples and the step between
 * evaluations. Older history comes from rollups (a step per bucket), the newest
 * hours from raw samples (a step per probe interval).
 */
export interface BacktestSegment {
  /** evaluations at `to`, `to - step`, ... down to just after `from` */
  from: Date;
  to: Date;
  stepSeconds: number;
  staleSeconds: number;
  /**
   * rollups: a bucket's value stands for the whole bucket, so the condition it shows
   * has held for this long when the bucket is first seen (counted towards `for`)
   */
  heldSeconds?: number;
  /** rows of this stretch per series, as the rule's derive expects them */
  series: readonly Series[];
}

export interface BacktestOptions {
  servers: ReadonlyMap<number, PlanServer>;
  blackouts: readonly ScopedBlackout[];
  /** oldest first, contiguous */
  segments: readonly BacktestSegment[];
  /**
   * anomaly rules: each series' hourly rollup rows as stored (stamped at the bucket's
   * start), oldest first, from BASELINE_DAYS before the first evaluation
   */
  history?: readonly Series[];
}

export interface Backtest {
  from: Date;
  to: Date;
  /** series evaluated */
  instances: number;
  episodes: BacktestEpisode[];
  /** episodes (not silenced) by the UTC day they started, every day of the range */
  perDay: { day: string; count: number }[];
}

const seriesId = (s: Pick<Series, 'serverId' | 'database' | 'object'>) =>
  `${s.serverId}\u0000${s.database ?? ''}\u0000${s.object ?? ''}`;

/**
 * What a rule would have done over stored history, series by series: the loop's own
 * effective tuning (overrides), condition, blackouts and lifecycle (`step`), replayed
 * at each segment's step. Pure: the caller reads the rows.
 */
export function backtest(rule: PlanRule, o: BacktestOptions): Backtest {
  const bySegment = o.segments.map((seg) => new Map(seg.series.map((s) => [seriesId(s), s])));
  const history = new Map((o.history ?? []).map((s) => [seriesId(s), s.rows]));
  const ids = new Map<string, Series>();
  for (const m of bySegment) for (const [id, s] of m) ids.set(id, s);
  const episodes: BacktestEpisode[] = [];
  let instances = 0;
  for (const s of ids.values()) {
    const server = s.serverId === null ? undefined : o.servers.get(s.serverId);
    if (s.serverId !== null && !server) continue;
    const target = {
      environment: server?.environment ?? null,
      clusterId: server?.clusterId ?? null,
      serverId: server?.id ?? null,
      databaseName: s.database,
    };
    if (
      rule.scope &&
      server &&
      !inScope(rule.scope, { ...target, serverId: server.id, database: s.database })
    )
      continue;
    const eff = resolveOverrides(rule.tuning, rule.overrides, target);
    if (!eff.enabled.value) continue;
    instances++;
    const judge = judgeOf(rule, tuningOf(eff), history.get(seriesId(s)) ?? []);
    episodes.push(...replaySeries(rule, tuningOf(eff), judge, s, server, o, bySegment));
  }
  // by start, then server: the same order whatever order the series were read in
  episodes.sort(
    (a, b) => a.start.getTime() - b.start.getTime() || (a.serverId ?? 0) - (b.serverId ?? 0),
  );
  const from = o.segments[0]?.from ?? new Date(0);
  const to = o.segments[o.segments.length - 1]?.to ?? from;
  return { from, to, instances, episodes, perDay: perDay(episodes, from, to) };
}

type Tuned = ReturnType<typeof tuningOf>;

function replaySeries(
  rule: PlanRule,
  tuning: Tuned,
  judge: Judge,
  s: Series,
  server: PlanServer | undefined,
  o: BacktestOptions,
  bySegment: readonly ReadonlyMap<string, Series>[],
): BacktestEpisode[] {
  const { def } = rule;
  const params = paramValues(def, tuning.params);
  // each stretch derived alone: a counter's running total never spans rollups and raw rows
  const parts = o.segments.map((seg, i) => {
    const mine = bySegment[i]!.get(seriesId(s));
    const samples = mine ? def.source.derive(mine.rows, params) : [];
    return samples.filter((x) => x.at > seg.from && x.at <= seg.to);
  });
  const samples: Sample[] = parts.flat();
  const out: BacktestEpisode[] = [];
  let status: AlertStatus = INITIAL_STATUS;
  let open: BacktestEpisode | null = null;
  let fired = false;
  let lo = 0;
  let hi = 0;
  for (const seg of o.segments) {
    const condition = conditionOf(def, tuning, seg.staleSeconds);
    const keep = judge.keepMs(seg, condition);
    const stepMs = seg.stepSeconds * 1000;
    // steps are anchored on `to`, so they fall where the loop's cycles did
    const first =
      seg.to.getTime() - Math.floor((seg.to.getTime() - seg.from.getTime() - 1) / stepMs) * stepMs;
    for (let t = first; t <= seg.to.getTime(); t += stepMs) {
      // a sliding slice keeps each evaluation proportional to the window, not the month
      while (hi < samples.length && samples[hi]!.at.getTime() <= t) hi++;
      while (lo < hi && samples[lo]!.at.getTime() <= t - keep) lo++;
      const at = new Date(t);
      const active = isOpen(status.state) && status.state !== 'pending' ? status.severity : null;
      const seen = judge.observe(seg, condition, samples.slice(lo, hi), at, active);
      // an event probe writes no row when all is well: as the loop reads it while the collector runs
      const obs: Observation =
        seen.kind === 'missing' && def.source.absentIsClear === true
          ? { kind: 'clear', value: null }
          : seen;
      const r = step(status, obs, {
        at,
        forSeconds: Math.max(0, tuning.forSeconds - (seg.heldSeconds ?? 0)),
        silenced: blackedOut(
          o.blackouts,
          server,
          server?.clusterId ?? s.clusterId ?? null,
          s.database,
          at,
        ),
        reminderSeconds: 0,
      });
      const next = r.status;
      // a new episode: the lifecycle confirmed the condition (firing, or held in a blackout)
      if (
        !open &&
        isOpen(next.state) &&
        next.state !== 'pending' &&
        next.firedAt &&
        next.severity
      ) {
        open = {
          serverId: s.serverId,
          database: s.database,
          object: s.object,
          start: next.firedAt,
          end: null,
          peak: null,
          severity: next.severity,
          silenced: true,
        };
        fired = false;
      }
      if (open) {
        if (next.state === 'firing') fired = true;
        open.silenced = !fired;
        if (obs.kind === 'breach') {
          if (open.peak === null || worse(rule, obs.value, open.peak)) open.peak = obs.value;
          if (severityRank(obs.severity) > severityRank(open.severity))
            open.severity = obs.severity;
        }
        if (next.state === 'resolved' || next.state === 'ok') {
          open.end = at;
          out.push(open);
          open = null;
        }
      }
      status = next;
    }
  }
  if (open) out.push(open);
  return out;
}

const worse = (rule: PlanRule, a: number, b: number) =>
  rule.def.operator === '<' || rule.def.operator === '<=' ? a < b : a > b;

function perDay(episodes: readonly BacktestEpisode[], from: Date, to: Date) {
  const DAY = 86_400_000;
  const counts = new Map<string, number>();
  for (let d = Math.floor(from.getTime() / DAY) * DAY; d <= to.getTime(); d += DAY)
    counts.set(new Date(d).toISOString().slice(0, 10), 0);
  for (const e of episodes) {
    if (e.silenced) continue;
    const day = e.start.toISOString().slice(0, 10);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return [...counts].map(([day, count]) => ({ day, count }));
}
