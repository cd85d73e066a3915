import { ValidationError, type Db } from '@pgvigil/db';
import {
  getRule,
  listAlertTargets,
  listBlackouts,
  listOverrides,
  probeIntervals,
  readRuleWindow,
  RuleReadError,
} from '@pgvigil/db/alerting';
import { getProbe } from '@pgvigil/probes';
import { rollupLevels } from '@pgvigil/schema/metric-spec';
import { z } from 'zod';
import { backtest, type Backtest, type BacktestSegment } from '../cycle/backtest';
import {
  bucketsAsSamples,
  counterColumns,
  LONG_WINDOW_BUCKET_SECONDS,
  LONG_WINDOW_EXTRA_STALE_SECONDS,
  LONG_WINDOW_LEVEL,
  RAW_WINDOW_LIMIT_SECONDS,
  readsRollups,
} from '../cycle/long-window';
import { groupSeries } from '../cycle/observe';
import type { PlanRule } from '../cycle/plan';
import { planRuleOf, scopedBlackouts, staleAfterSeconds } from '../from-rows';

const DAY_MS = 86_400_000;
/** The loop evaluates every minute: a replay of raw samples steps as often. */
export const BACKTEST_RAW_STEP_SECONDS = 60;
/** Beyond this, history is replayed from 5-minute rollups, one step per bucket. */
export const BACKTEST_RAW_SPAN_SECONDS = RAW_WINDOW_LIMIT_SECONDS;
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
  if (def.kind === 'forecast' || def.kind === 'anomaly' || def.source.probe.startsWith('$'))
    throw new ValidationError(
      `A backtest replays threshold rules over stored samples; ${def.name} is judged from ${
        def.source.probe.startsWith('$') ? "pgvigil's own state" : `a ${def.kind}`
      }`,
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
 * What a rule (built-in or custom, with its overrides and the blackouts as they are
 * now) would have fired over the last `days` before `at`: the loop's own condition
 * and lifecycle (`backtest`), the newest 6 hours from raw samples every minute, older
 * history from 5-minute rollups every bucket. Reads are bounded in time and rows.
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
  const hasRollups = spec !== undefined && rollupLevels(spec).includes(LONG_WINDOW_LEVEL);
  const longWindow = readsRollups(def.windowSeconds);
  // a window over 6 hours is judged on rollups by the loop too: all of it from them
  const boundary = !hasRollups
    ? from
    : longWindow
      ? at
      : new Date(Math.max(from.getTime(), at.getTime() - BACKTEST_RAW_SPAN_SECONDS * 1000));
  const read = async (level: 'raw' | typeof LONG_WINDOW_LEVEL, f: Date, t: Date) =>
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
        }).catch((err: unknown) => {
          if (err instanceof RuleReadError)
            throw new ValidationError(`The backtest ${err.message}`, { days: err.message });
          throw err;
        });
  const lead = (seconds: number) => (def.windowSeconds + seconds) * 1000;
  const segments: BacktestSegment[] = [];
  if (boundary > from) {
    const rows = await read(
      LONG_WINDOW_LEVEL,
      new Date(from.getTime() - lead(LONG_WINDOW_BUCKET_SECONDS)),
      boundary,
    );
    segments.push({
      from,
      to: boundary,
      stepSeconds: LONG_WINDOW_BUCKET_SECONDS,
      staleSeconds: stale + LONG_WINDOW_EXTRA_STALE_SECONDS,
      series: bucketsAsSamples(groupSeries(rows, keys), counterColumns(def.source.probe)),
    });
  }
  if (at > boundary) {
    const rows = await read(
      'raw',
      new Date(boundary.getTime() - lead(2 * probe.intervalSeconds)),
      at,
    );
    segments.push({
      from: boundary,
      to: at,
      stepSeconds: BACKTEST_RAW_STEP_SECONDS,
      staleSeconds: stale,
      series: groupSeries(rows, keys),
    });
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
