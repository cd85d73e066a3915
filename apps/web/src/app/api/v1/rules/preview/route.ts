import {
  customDefinition,
  customRule,
  groupSeries,
  inScope,
  previewRule,
} from '@pgvigil/alerter/web';
import { listAlertTargets, probeIntervals, readRuleRows } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

const DAY_MS = 86_400_000;

const body = z
  .object({
    definition: customDefinition,
    warning: z.number().nullable().default(null),
    critical: z.number().nullable().default(null),
    forSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(300),
  })
  .strict()
  .refine((b) => b.warning !== null || b.critical !== null, {
    path: ['warning'],
    message: 'give a warning or a critical threshold',
  });

/**
 * What a custom rule (not saved yet) would have done over the last 24 hours of
 * stored samples: the loop's own condition and lifecycle, replayed per probe interval.
 */
export const POST = withAuth('editor', async ({ request }) => {
  const b = await readJson(request, body);
  const def = customRule({
    key: 'preview',
    name: 'preview',
    definition: b.definition,
    warning: b.warning,
    critical: b.critical,
    forSeconds: b.forSeconds,
  });
  const to = new Date();
  const from = new Date(to.getTime() - DAY_MS);
  const [targets, intervals] = await Promise.all([listAlertTargets(db()), probeIntervals(db())]);
  const interval = intervals.get(def.source.probe)?.intervalSeconds ?? 60;
  const tuning = {
    enabled: true,
    warning: b.warning,
    critical: b.critical,
    forSeconds: b.forSeconds,
  };
  const byId = new Map(targets.map((t) => [t.id, t]));
  const rows = targets.length
    ? await readRuleRows(db(), {
        probe: def.source.probe,
        columns: [...def.source.columns, ...(def.source.objectKeys ?? [])],
        serverIds: targets.map((t) => t.id),
        from: new Date(from.getTime() - def.windowSeconds * 1000),
        to,
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
  const preview = previewRule(def, tuning, series, {
    from,
    to,
    stepSeconds: Math.max(60, interval),
    // as the loop: a sample older than three intervals is missing data
    staleSeconds: intervals.get(def.source.probe)?.changeTracked ? Infinity : 3 * interval + 30,
  });
  const names = Object.fromEntries(targets.map((t) => [t.id, t.name]));
  return NextResponse.json({ preview, serverNames: names });
});
