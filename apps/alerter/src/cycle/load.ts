import type { Db } from '@pgvigil/db';
import {
  heartbeatAges,
  listAlertTargets,
  listBlackouts,
  listChannels,
  listOpenAlerts,
  listOverrides,
  listRules,
  probeFreshness,
  probeIntervals,
  readRuleRows,
  type RuleRow,
} from '@pgvigil/db/alerting';
import type { BlackoutWindow } from '../core';
import { BUILTIN_BY_KEY, customRule } from '../rules';
import { groupSeries, lookbackSeconds, type Series } from './observe';
import type { PlanInput, PlanRule, ScopedBlackout } from './plan';

export interface LoadOptions {
  baseUrl: string;
  reminderSeconds: number;
  /** evaluate forecast and anomaly rules (they read days of history) */
  includeTrends: boolean;
  log?: (message: string) => void;
}

function toPlanRule(row: RuleRow, log: (m: string) => void): PlanRule | null {
  const tuning = {
    enabled: row.enabled,
    warning: row.warning_threshold,
    critical: row.critical_threshold,
    forSeconds: row.for_seconds,
  };
  if (row.kind === 'custom') {
    try {
      const def = customRule({
        ...row,
        forSeconds: row.for_seconds,
        warning: row.warning_threshold,
        critical: row.critical_threshold,
      });
      return {
        id: row.id,
        def,
        tuning,
        overrides: [],
        scope: def.custom.scope,
        template: def.custom.message,
      };
    } catch {
      log(`custom rule ${row.key} has an invalid definition; skipped`);
      return null;
    }
  }
  const def = BUILTIN_BY_KEY.get(row.key);
  return def ? { id: row.id, def, tuning, overrides: [] } : null;
}

/** Everything one cycle needs, read from the datastore as of `at`. */
export async function loadCycle(db: Db, at: Date, opts: LoadOptions): Promise<PlanInput> {
  const log = opts.log ?? (() => undefined);
  const [ruleRows, overrides, targets, openAlerts, blackouts, channels, intervals] =
    await Promise.all([
      listRules(db),
      listOverrides(db),
      listAlertTargets(db),
      listOpenAlerts(db),
      listBlackouts(db),
      listChannels(db),
      probeIntervals(db),
    ]);
  const deferred = new Set<number>();
  const rules: PlanRule[] = [];
  for (const row of ruleRows) {
    const rule = toPlanRule(row, log);
    if (!rule) continue;
    if (!opts.includeTrends && (rule.def.kind === 'forecast' || rule.def.kind === 'anomaly')) {
      deferred.add(rule.id);
      continue;
    }
    rule.overrides = overrides
      .filter((o) => o.rule_id === row.id)
      .map((o) => ({
        id: o.id,
        scope: o.scope_type,
        scopeId: o.scope_id,
        scopeValue: o.scope_value,
        enabled: o.enabled,
        warning: o.warning_threshold,
        critical: o.critical_threshold,
        forSeconds: o.for_seconds,
      }));
    rules.push(rule);
  }

  const serverIds = targets.map((t) => t.id);
  const series = new Map<string, Series[]>();
  const byProbe = new Map<string, PlanRule[]>();
  for (const r of rules)
    byProbe.set(r.def.source.probe, [...(byProbe.get(r.def.source.probe) ?? []), r]);
  for (const [probe, list] of byProbe) {
    let rows: Parameters<typeof groupSeries>[0] = [];
    if (probe === '$heartbeat') {
      const age = (await heartbeatAges(db, at)).collector;
      if (age !== undefined)
        rows = [
          {
            server_id: null,
            database_name: null,
            collected_at: at,
            values: { seconds_since: age },
          },
        ];
    } else if (probe === '$staleness') {
      rows = (await probeFreshness(db, at)).map((f) => ({
        server_id: f.server_id,
        database_name: null,
        collected_at: at,
        values: { probe: f.probe, intervals_behind: f.intervals_behind },
      }));
    } else if (serverIds.length) {
      const columns = [
        ...new Set(
          list.flatMap((r) => [...r.def.source.columns, ...(r.def.source.objectKeys ?? [])]),
        ),
      ];
      const lookback =
        Math.max(...list.map((r) => lookbackSeconds(r.def))) +
        2 * (intervals.get(probe)?.intervalSeconds ?? 60);
      rows = await readRuleRows(db, {
        probe,
        columns,
        serverIds,
        from: new Date(at.getTime() - lookback * 1000),
        to: at,
      });
    }
    for (const r of list) series.set(r.def.key, groupSeries(rows, r.def.source.objectKeys ?? []));
  }

  // a change-tracked probe's newest row stays valid until the next change
  const staleSeconds = new Map(
    [...intervals].map(([p, i]) => [p, i.changeTracked ? Infinity : 3 * i.intervalSeconds + 30]),
  );
  const collectorAge = (await heartbeatAges(db, at)).collector;
  const scoped: ScopedBlackout[] = blackouts
    .filter((b) => b.enabled)
    .map((b) => ({
      window: (b.cron
        ? {
            kind: 'recurring',
            cron: b.cron,
            durationMinutes: b.duration_minutes ?? 60,
            timezone: b.timezone,
          }
        : { kind: 'once', startsAt: b.starts_at!, endsAt: b.ends_at! }) satisfies BlackoutWindow,
      scope: b.scope_type,
      scopeId: b.scope_id,
      database: b.database_name,
    }));
  return {
    at,
    rules,
    series,
    servers: new Map(
      targets.map((t) => [
        t.id,
        { id: t.id, name: t.name, clusterId: t.cluster_id, environment: t.environment },
      ]),
    ),
    openAlerts,
    blackouts: scoped,
    channels,
    staleSeconds,
    baseUrl: opts.baseUrl,
    reminderSeconds: opts.reminderSeconds,
    deferredRuleIds: deferred,
    // lenient on purpose: this only decides whether an event probe's silence means "clear"
    collectorAlive: collectorAge !== undefined && collectorAge < 300,
  };
}
