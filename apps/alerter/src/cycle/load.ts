import type { Db } from '@pgvigil/db';
import {
  heartbeatAges,
  listAlertTargets,
  listBlackouts,
  listChannels,
  listOpenAlerts,
  listOverrides,
  listRules,
  latestSamples,
  probeIntervals,
  readRuleRows,
  type LatestSample,
  type RuleRow,
} from '@pgvigil/db/alerting';
import type { BlackoutWindow } from '../core';
import { BUILTIN_BY_KEY, customRule } from '../rules';
import { newestSamples } from './absence';
import { readRollupRows } from '@pgvigil/db/metrics';
import { attachHistory, BASELINE_DAYS, groupSeries, lookbackSeconds, type Series } from './observe';
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
    params: row.params,
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

/** Per probe and server, how many of its intervals ago its newest sample is. */
function staleness(
  latest: readonly LatestSample[],
  intervals: Map<string, { intervalSeconds: number }>,
  at: Date,
): Parameters<typeof groupSeries>[0] {
  const newest = new Map<string, { probe: string; server: number; last: number }>();
  for (const l of latest) {
    // an empty result writes no sample: silence is not staleness for such probes
    if (l.may_be_empty) continue;
    const key = `${l.probe}\u0000${l.server_id}`;
    const t = l.last.getTime();
    if ((newest.get(key)?.last ?? -Infinity) < t)
      newest.set(key, { probe: l.probe, server: l.server_id, last: t });
  }
  return [...newest.values()].flatMap((n) => {
    const interval = intervals.get(n.probe)?.intervalSeconds;
    if (!interval) return [];
    return [
      {
        server_id: n.server,
        database_name: null,
        collected_at: at,
        values: {
          probe: n.probe,
          intervals_behind: Math.floor((at.getTime() - n.last) / 1000 / interval),
        },
      },
    ];
  });
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
  const latest = await latestSamples(db, at);
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
        params: o.params,
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
      rows = staleness(latest, intervals, at);
    } else if (serverIds.length) {
      const columns = [
        ...new Set(
          list.flatMap((r) => [...r.def.source.columns, ...(r.def.source.objectKeys ?? [])]),
        ),
      ];
      const lookback =
        Math.max(
          ...list.map((r) =>
            lookbackSeconds(r.def, [r.tuning.params, ...r.overrides.map((o) => o.params)]),
          ),
        ) +
        2 * (intervals.get(probe)?.intervalSeconds ?? 60);
      rows = await readRuleRows(db, {
        probe,
        columns,
        serverIds,
        from: new Date(at.getTime() - lookback * 1000),
        to: at,
      });
    }
    const anomalies = list.filter((r) => r.def.kind === 'anomaly');
    const history =
      anomalies.length && serverIds.length
        ? await readRollupRows(db, {
            probe,
            level: '1h',
            columns: [
              ...new Set(
                anomalies.flatMap((r) => [
                  ...r.def.source.columns,
                  ...(r.def.source.objectKeys ?? []),
                ]),
              ),
            ],
            serverIds,
            from: new Date(at.getTime() - BASELINE_DAYS * 86_400_000),
            to: at,
          })
        : [];
    for (const r of list) {
      const keys = r.def.source.objectKeys ?? [];
      const grouped = groupSeries(rows, keys);
      if (r.def.kind === 'anomaly') attachHistory(grouped, history, keys);
      series.set(r.def.key, grouped);
    }
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
    collection: {
      alive: collectorAge !== undefined && collectorAge < 300,
      intervalSeconds: new Map([...intervals].map(([p, i]) => [p, i.intervalSeconds])),
      newestSample: newestSamples(latest),
    },
  };
}
