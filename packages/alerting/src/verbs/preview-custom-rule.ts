import type { Queryable } from '@pgvigil/db';
import { listAlertTargets, probeIntervals, readRuleRows } from '@pgvigil/db/alerting';
import { z } from 'zod';
import { groupSeries } from '../cycle/observe';
import { previewRule, type Preview } from '../cycle/preview';
import { staleAfterSeconds } from '../from-rows';
import { customDefinition, customRule, inScope } from '../rules';

const DAY_MS = 86_400_000;

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
 * interval, over the servers its scope names.
 */
export async function previewCustomRule({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: PreviewCustomRuleInput;
  at: Date;
}): Promise<{ preview: Preview; serverNames: Record<number, string> }> {
  const def = customRule({ key: 'preview', name: 'preview', ...input });
  const from = new Date(at.getTime() - DAY_MS);
  const [targets, intervals] = await Promise.all([listAlertTargets(db), probeIntervals(db)]);
  const probe = intervals.get(def.source.probe);
  const interval = probe?.intervalSeconds ?? 60;
  const byId = new Map(targets.map((t) => [t.id, t]));
  const rows = targets.length
    ? await readRuleRows(db, {
        probe: def.source.probe,
        columns: [...def.source.columns, ...(def.source.objectKeys ?? [])],
        serverIds: targets.map((t) => t.id),
        from: new Date(from.getTime() - def.windowSeconds * 1000),
        to: at,
      })
    : [];
  const series = groupSeries(rows, def.source.objectKeys ?? []).filter((s) => {
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
    staleSeconds: staleAfterSeconds(probe ?? { intervalSeconds: interval, changeTracked: false }),
  });
  return { preview, serverNames: Object.fromEntries(targets.map((t) => [t.id, t.name])) };
}
