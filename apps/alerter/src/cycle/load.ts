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
} from '@pgvigil/db/alerting';
import { readRollupRows, type RollupRow } from '@pgvigil/db/metrics';
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
  /**
   * the anomaly baselines' weeks of hourly rollups, kept by the loop between cycles:
   * they change once an hour, and at fleet scale they are most of a trends cycle
   */
  historyCache?: Map<string, { hour: number; rows: RollupRow[] }>;
}

const TREND_POINTS = 64;

/**
 * How a rule's rows are read: a forecast's days as bucket averages; a rule judging
 * each object's latest value from its row alone, only the newest row of each object
 * (at fleet scale, most of what a cycle would read); others, every row of the window.
 */
function readMode(r: PlanRule): 'trend' | 'newest' | 'window' {
  if (r.def.kind === 'forecast') return 'trend';
  return r.def.aggregation === 'latest' && r.def.source.derive.perRow === true
    ? 'newest'
    : 'window';
}

/** The anomaly rules' hourly rollups of BASELINE_DAYS, from the cache when read this hour. */
async function readHistory(
  db: Db,
  at: Date,
  probe: string,
  anomalies: PlanRule[],
  serverIds: number[],
  cache: LoadOptions['historyCache'],
): Promise<RollupRow[]> {
  const columns = [
    ...new Set(
      anomalies.flatMap((r) => [...r.def.source.columns, ...(r.def.source.objectKeys ?? [])]),
    ),
  ];
  const from = at.getTime() - BASELINE_DAYS * 86_400_000;
  const hour = Math.floor(at.getTime() / 3_600_000);
  const key = [probe, ...columns, '|', ...serverIds].join(',');
  const hit = cache?.get(key);
  // within the hour the baselines read only buckets that ended an hour ago, all cached
  if (hit?.hour === hour) return hit.rows.filter((r) => r.collected_at.getTime() >= from);
  const rows = await readRollupRows(db, {
    probe,
    level: '1h',
    columns,
    serverIds,
    from: new Date(from),
    to: at,
  });
  cache?.set(key, { hour, rows });
  return rows;
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
  // one read per probe and way of reading it, all side by side: at fleet scale the
  // datastore's wait is most of a cycle
  const reads = new Map<string, PlanRule[]>();
  for (const r of rules) {
    const id = [r.def.source.probe, readMode(r), ...(r.def.source.objectKeys ?? [])].join('\u0000');
    reads.set(id, [...(reads.get(id) ?? []), r]);
  }
  const read = async (list: PlanRule[]) => {
    const probe = list[0]!.def.source.probe;
    const mode = readMode(list[0]!);
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
      const objectKeys = [...(list[0]!.def.source.objectKeys ?? [])];
      rows = await readRuleRows(db, {
        probe,
        columns,
        serverIds,
        from: new Date(at.getTime() - lookback * 1000),
        to: at,
        ...(mode === 'newest' ? { newest: true, objectKeys } : {}),
        // a trend over days needs no more than a few dozen points per object
        ...(mode === 'trend' ? { bucketSeconds: Math.ceil(lookback / TREND_POINTS) } : {}),
      });
    }
    const anomalies = list.filter((r) => r.def.kind === 'anomaly');
    const history =
      anomalies.length && serverIds.length
        ? await readHistory(db, at, probe, anomalies, serverIds, opts.historyCache)
        : [];
    // the rules of one read share their objects: one grouping serves them all
    const keys = list[0]!.def.source.objectKeys ?? [];
    const grouped = groupSeries(rows, keys);
    if (anomalies.length) attachHistory(grouped, history, keys);
    for (const r of list) series.set(r.def.key, grouped);
  };
  await Promise.all([...reads.values()].map(read));

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
