import { ValidationError, type Db } from '@pgvigil/db';
import {
  getRule,
  listAlertTargets,
  listBlackouts,
  listOverrides,
  probeIntervals,
  readRuleWindow,
  RuleReadError,
  type RuleSourceRow,
} from '@pgvigil/db/alerting';
import { getProbe } from '@pgvigil/probes';
import { ROLLUP_SECONDS, rollupLevels, type RollupLevel } from '@pgvigil/schema/metric-spec';
import { z } from 'zod';
import { backtest, type Backtest, type BacktestSegment } from '../cycle/backtest';
import {
  bucketsAsSamples,
  counterColumns,
  LONG_WINDOW_EXTRA_STALE_SECONDS,
  RAW_WINDOW_LIMIT_SECONDS,
  readsRollups,
} from '../cycle/long-window';
import {
  BASELINE_DAYS,
  groupSeries,
  lookbackSeconds,
  trendBucketSeconds,
  type Series,
} from '../cycle/observe';
import type { PlanRule } from '../cycle/plan';
import { planRuleOf, scopedBlackouts, staleAfterSeconds } from '../from-rows';

const DAY_MS = 86_400_000;
/** The loop evaluates every minute: a replay of raw samples steps as often. */
export const BACKTEST_RAW_STEP_SECONDS = 60;
/**
 * How old history is replayed: raw samples for the newest 6 hours, 5-minute rollups
 * back to 2 days, hourly rollups beyond (one step per bucket). A month of a fleet at
 * 5-minute resolution is too many rows to answer in seconds.
 */
export const BACKTEST_RAW_SPAN_SECONDS = RAW_WINDOW_LIMIT_SECONDS;
export const BACKTEST_5M_SPAN_SECONDS = 2 * 86_400;
/** Each read is bounded like a cycle's rule, but a month of a fleet is many rows. */
export const BACKTEST_TIMEOUT_MS = 20_000;
export const BACKTEST_MAX_ROWS = 5_000_000;
/** The answer lists this many episodes at most, the newest; `perDay` counts them all. */
export const BACKTEST_MAX_EPISODES = 1_000;

export const backtestRuleInput = z
  .object({
    days: z.number().int().min(1).max(30),
    warning: z.number().nullable().optional(),
    critical: z.number().nullable().optional(),
    forSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .optional(),
    params: z.record(z.string(), z.number()).optional(),
  })
  .strict();
export type BacktestRuleInput = z.infer<typeof backtestRuleInput>;

export interface BacktestAnswer {
  backtest: Backtest & { episodeCount: number };
  serverNames: Record<number, string>;
}

/** The stored rule, its overrides, and the global values the request tries instead. */
async function ruleToReplay(db: Db, ruleId: number, input: BacktestRuleInput): Promise<PlanRule> {
  const row = await getRule(db, ruleId);
  const rule = planRuleOf(row, await listOverrides(db, ruleId));
  if (!rule) throw new ValidationError('This rule has no valid definition to replay');
  const { def } = rule;
  if (def.source.probe.startsWith('$'))
    throw new ValidationError(
      `A backtest replays rules over stored samples; ${def.name} is judged from pgvigil's own state`,
    );
  const tuning = {
    ...rule.tuning,
    enabled: true,
    ...(input.warning !== undefined ? { warning: input.warning } : {}),
    ...(input.critical !== undefined ? { critical: input.critical } : {}),
    ...(input.forSeconds !== undefined ? { forSeconds: input.forSeconds } : {}),
    params: { ...rule.tuning.params, ...input.params },
  };
  const unknown = Object.keys(input.params ?? {}).filter((p) => !def.params?.[p]);
  if (unknown.length)
    throw new ValidationError(`Unknown parameter ${unknown.join(', ')}`, {
      params: `${def.name} takes ${Object.keys(def.params ?? {}).join(', ') || 'no parameters'}`,
    });
  if (tuning.warning === null && tuning.critical === null)
    throw new ValidationError('give a warning or a critical threshold', {
      warning: 'give a warning or a critical threshold',
    });
  return { ...rule, tuning };
}

/**
 * The stretches of [from, at], oldest first, each read from the finest level kept
 * for it: a rule whose own window is read from rollups (over 6 hours) is replayed
 * from them throughout, as the loop judges it.
 */
function stretches(
  at: Date,
  from: Date,
  levels: readonly RollupLevel[],
  longWindow: boolean,
): { level: 'raw' | RollupLevel; from: Date; to: Date }[] {
  const t = at.getTime();
  const cuts: { level: 'raw' | RollupLevel; since: number }[] = [];
  if (levels.includes('1h')) cuts.push({ level: '1h', since: -Infinity });
  if (levels.includes('5m'))
    cuts.push({
      level: '5m',
      since: levels.includes('1h') ? t - BACKTEST_5M_SPAN_SECONDS * 1000 : -Infinity,
    });
  if (!longWindow || cuts.length === 0)
    cuts.push({
      level: 'raw',
      since: cuts.length ? t - BACKTEST_RAW_SPAN_SECONDS * 1000 : -Infinity,
    });
  const out: { level: 'raw' | RollupLevel; from: Date; to: Date }[] = [];
  cuts.forEach((c, i) => {
    const a = Math.max(from.getTime(), c.since);
    const b = i + 1 < cuts.length ? Math.max(from.getTime(), cuts[i + 1]!.since) : t;
    if (b > a) out.push({ level: c.level, from: new Date(a), to: new Date(b) });
  });
  return out;
}

/**
 * A forecast's replay: its samples as the loop reads them, bucket averages over the
 * rule's trend window (`trendBucketSeconds`), read once for the whole range; one
 * evaluation per bucket, just before the buckets' boundaries, so each sees what the
 * loop read then: whole buckets that ended by then.
 */
async function forecastSegment(
  rule: PlanRule,
  c: {
    at: Date;
    from: Date;
    stale: number;
    probe: { intervalSeconds: number };
    keys: readonly string[];
    read: (level: 'raw', f: Date, t: Date, bucketSeconds: number) => Promise<RuleSourceRow[]>;
  },
): Promise<BacktestSegment> {
  const lookback =
    lookbackSeconds(rule.def, [rule.tuning.params, ...rule.overrides.map((o) => o.params)]) +
    2 * c.probe.intervalSeconds;
  const bucketSeconds = trendBucketSeconds(lookback);
  const ms = bucketSeconds * 1000;
  // 1 ms before each boundary: the bucket that ends there is whole, the next not begun
  const to = new Date(Math.floor(c.at.getTime() / ms) * ms - 1);
  // raw samples are read in (from, to]: 1 ms before a bucket's start keeps its first sample
  const since = Math.floor((c.from.getTime() - lookback * 1000) / ms) * ms - 1;
  const rows = await c.read('raw', new Date(since), to, bucketSeconds);
  return {
    from: c.from,
    to,
    stepSeconds: bucketSeconds,
    staleSeconds: c.stale,
    series: groupSeries(rows, c.keys),
  };
}

/**
 * What a rule (built-in or custom, with its overrides and the blackouts as they are
 * now) would have fired over the last `days` before `at`: the loop's own condition
 * and lifecycle (`backtest`), the newest 6 hours from raw samples every minute, older
 * history from rollups (`stretches`). Reads are bounded in time and rows.
 */
export async function backtestRule({
  db,
  ruleId,
  input,
  at,
  budget = {},
}: {
  db: Db;
  ruleId: number;
  input: BacktestRuleInput;
  at: Date;
  budget?: { timeoutMs?: number; maxRows?: number };
}): Promise<BacktestAnswer> {
  const q = backtestRuleInput.parse(input);
  const rule = await ruleToReplay(db, ruleId, q);
  const { def } = rule;
  const [targets, intervals, blackouts] = await Promise.all([
    listAlertTargets(db),
    probeIntervals(db),
    listBlackouts(db),
  ]);
  const probe = intervals.get(def.source.probe) ?? { intervalSeconds: 60, changeTracked: false };
  const spec = getProbe(def.source.probe);
  const from = new Date(at.getTime() - q.days * DAY_MS);
  const keys = def.source.objectKeys ?? [];
  const stale = staleAfterSeconds(probe);
  const levels = spec ? rollupLevels(spec) : [];
  const longWindow = def.kind !== 'anomaly' && readsRollups(def.windowSeconds);
  const read = async (level: 'raw' | RollupLevel, f: Date, t: Date, bucketSeconds?: number) =>
    targets.length === 0
      ? []
      : readRuleWindow(db, {
          probe: def.source.probe,
          level,
          columns: [...new Set([...def.source.columns, ...keys])],
          serverIds: targets.map((x) => x.id),
          from: f,
          to: t,
          timeoutMs: budget.timeoutMs ?? BACKTEST_TIMEOUT_MS,
          maxRows: budget.maxRows ?? BACKTEST_MAX_ROWS,
          ...(bucketSeconds ? { bucketSeconds } : {}),
        }).catch((err: unknown) => {
          if (err instanceof RuleReadError)
            throw new ValidationError(`The backtest ${err.message}`, { days: err.message });
          throw err;
        });
  let segments: BacktestSegment[] = [];
  let history: Series[] | undefined;
  if (def.kind === 'forecast') {
    segments = [await forecastSegment(rule, { at, from, stale, probe, read, keys })];
  } else {
    // an anomaly's baselines read the hourly rollups from BASELINE_DAYS before the first
    // step; its hourly stretch is a part of that read
    const hourly =
      def.kind === 'anomaly' && levels.includes('1h')
        ? read('1h', new Date(from.getTime() - BASELINE_DAYS * DAY_MS), at)
        : null;
    // awaited below; a failure before then is not an unhandled rejection
    hourly?.catch(() => undefined);
    const rowsOf = async (level: 'raw' | RollupLevel, f: Date, t: Date) =>
      level === '1h' && hourly
        ? (await hourly).filter((r) => r.collected_at >= f && r.collected_at < t)
        : read(level, f, t);
    // side by side: each read's wait on the datastore overlaps the others' parsing
    segments = await Promise.all(
      stretches(at, from, levels, longWindow).map(async (stretch) => {
        const { level } = stretch;
        const step = level === 'raw' ? Math.max(1, probe.intervalSeconds) : ROLLUP_SECONDS[level];
        // the window before the stretch's first step, and a row before it for rates
        const lead = (def.windowSeconds + 2 * step) * 1000;
        const rows = await rowsOf(level, new Date(stretch.from.getTime() - lead), stretch.to);
        const grouped = groupSeries(rows, keys);
        return {
          from: stretch.from,
          to: stretch.to,
          stepSeconds: level === 'raw' ? BACKTEST_RAW_STEP_SECONDS : step,
          ...(level === 'raw' ? {} : { heldSeconds: step }),
          staleSeconds:
            level === 'raw'
              ? stale
              : // a bucket is stamped at its end: as late as a bucket, plus the loop's margin
                stale + step + LONG_WINDOW_EXTRA_STALE_SECONDS,
          series:
            level === 'raw'
              ? grouped
              : bucketsAsSamples(grouped, counterColumns(def.source.probe), step),
        };
      }),
    );
    if (def.kind === 'anomaly') history = hourly ? groupSeries(await hourly, keys) : [];
  }
  const result = backtest(rule, {
    servers: new Map(
      targets.map((t) => [
        t.id,
        {
          id: t.id,
          name: t.name,
          clusterId: t.cluster_id,
          environment: t.environment,
          tags: t.tags,
        },
      ]),
    ),
    blackouts: scopedBlackouts(blackouts),
    segments,
    ...(history ? { history } : {}),
  });
  return {
    backtest: {
      ...result,
      episodeCount: result.episodes.length,
      episodes: result.episodes.slice(-BACKTEST_MAX_EPISODES),
    },
    serverNames: Object.fromEntries(targets.map((t) => [t.id, t.name])),
  };
}
