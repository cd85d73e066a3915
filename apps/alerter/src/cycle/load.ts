import { partitionCoverage, type Db } from '@pgvigil/db';
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
} from '@pgvigil/db/alerting';
import { readRollupRows } from '@pgvigil/db/metrics';
import {
  attachHistory,
  BASELINE_DAYS,
  groupSeries,
  lookbackSeconds,
  newestSamples,
  planRuleOf,
  scopedBlackouts,
  staleAfterSeconds,
  stalenessRows,
  type PlanInput,
  type PlanRule,
  type Series,
} from '@pgvigil/alerting';

export interface LoadOptions {
  baseUrl: string;
  reminderSeconds: number;
  /** evaluate forecast and anomaly rules (they read days of history) */
  includeTrends: boolean;
  log?: (message: string) => void;
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
    const rule = planRuleOf(row, overrides);
    if (!rule) {
      if (row.kind === 'custom') log(`custom rule ${row.key} has an invalid definition; skipped`);
      continue;
    }
    if (!opts.includeTrends && (rule.def.kind === 'forecast' || rule.def.kind === 'anomaly')) {
      deferred.add(rule.id);
      continue;
    }
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
      rows = stalenessRows(latest, intervals, at);
    } else if (probe === '$partitions') {
      rows = (await partitionCoverage(db, at)).map((c) => ({
        server_id: null,
        database_name: null,
        collected_at: at,
        values: { table: c.table, seconds_ahead: c.secondsAhead },
      }));
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

  const staleSeconds = new Map([...intervals].map(([p, i]) => [p, staleAfterSeconds(i)]));
  const collectorAge = (await heartbeatAges(db, at)).collector;
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
    blackouts: scopedBlackouts(blackouts),
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
