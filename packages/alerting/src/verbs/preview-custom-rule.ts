import { ValidationError, type Db } from '@pgvigil/db';
import {
  listAlertTargets,
  probeIntervals,
  readRuleWindow,
  RuleReadError,
} from '@pgvigil/db/alerting';
import { z } from 'zod';
import {
  bucketsAsSamples,
  counterColumns,
  LONG_WINDOW_BUCKET_SECONDS,
  LONG_WINDOW_EXTRA_STALE_SECONDS,
  LONG_WINDOW_LEVEL,
  readsRollups,
} from '../cycle/long-window';
import { groupSeries } from '../cycle/observe';
import { previewRule, type Preview } from '../cycle/preview';
import { staleAfterSeconds } from '../from-rows';
import { customDefinition, customRule, inScope } from '../rules';

const DAY_MS = 86_400_000;
/** A preview is bounded like a cycle's rule: one read, this long at most, this many rows. */
export const PREVIEW_TIMEOUT_MS = 10_000;
export const PREVIEW_MAX_ROWS = 500_000;

/** What a custom rule needs besides its name: its definition, levels and `for`. */
export const customRuleFields = {
  definition: customDefinition,
  warning: z.number().nullable().default(null),
  critical: z.number().nullable().default(null),
  forSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(300),
};

/** A rule needs at least one level to fire at. */
export const requireALevel = <T extends { warning: number | null; critical: number | null }>(
  b: T,
) => b.warning !== null || b.critical !== null;
export const requireALevelProblem = {
  path: ['warning'],
  message: 'give a warning or a critical threshold',
};

export const previewCustomRuleInput = z
  .object(customRuleFields)
  .strict()
  .refine(requireALevel, requireALevelProblem);
export type PreviewCustomRuleInput = z.infer<typeof previewCustomRuleInput>;

/**
 * What a custom rule (not saved yet) would have done over the 24 hours before `at`
 * of stored samples: the loop's own condition and lifecycle, replayed per probe
 * interval, over the servers its scope names. The read is bounded in time and rows
 * (a 400 says which limit); a window over 6 hours reads 5-minute rollups, as the
 * alerter does.
 */
export async function previewCustomRule({
  db,
  input,
  at,
  budget = {},
}: {
  db: Db;
  input: PreviewCustomRuleInput;
  at: Date;
  /** tests make it small */
  budget?: { timeoutMs?: number; maxRows?: number };
}): Promise<{ preview: Preview; serverNames: Record<number, string> }> {
  const def = customRule({ key: 'preview', name: 'preview', ...input });
  const from = new Date(at.getTime() - DAY_MS);
  const [targets, intervals] = await Promise.all([listAlertTargets(db), probeIntervals(db)]);
  const probe = intervals.get(def.source.probe);
  const interval = probe?.intervalSeconds ?? 60;
  const byId = new Map(targets.map((t) => [t.id, t]));
  const long = readsRollups(def.windowSeconds);
  const keys = def.source.objectKeys ?? [];
  const rows = targets.length
    ? await readRuleWindow(db, {
        probe: def.source.probe,
        level: long ? LONG_WINDOW_LEVEL : 'raw',
        columns: [...def.source.columns, ...keys],
        serverIds: targets.map((t) => t.id),
        from: new Date(
          from.getTime() - (def.windowSeconds + (long ? LONG_WINDOW_BUCKET_SECONDS : 0)) * 1000,
        ),
        to: at,
        timeoutMs: budget.timeoutMs ?? PREVIEW_TIMEOUT_MS,
        maxRows: budget.maxRows ?? PREVIEW_MAX_ROWS,
      }).catch((err: unknown) => {
        if (err instanceof RuleReadError)
          throw new ValidationError(`The preview ${err.message}`, { definition: err.message });
        throw err;
      })
    : [];
  const grouped = groupSeries(rows, keys);
  const series = (
    long ? bucketsAsSamples(grouped, counterColumns(def.source.probe)) : grouped
  ).filter((s) => {
    const t = s.serverId === null ? undefined : byId.get(s.serverId);
    return (
      t !== undefined &&
      inScope(def.custom.scope, {
        environment: t.environment,
        clusterId: t.cluster_id,
        serverId: t.id,
        database: s.database,
      })
    );
  });
  const tuning = {
    enabled: true,
    warning: input.warning,
    critical: input.critical,
    forSeconds: input.forSeconds,
  };
  const preview = previewRule(def, tuning, series, {
    from,
    to: at,
    stepSeconds: Math.max(60, interval),
    staleSeconds:
      staleAfterSeconds(probe ?? { intervalSeconds: interval, changeTracked: false }) +
      (long ? LONG_WINDOW_EXTRA_STALE_SECONDS : 0),
  });
  return { preview, serverNames: Object.fromEntries(targets.map((t) => [t.id, t.name])) };
}
