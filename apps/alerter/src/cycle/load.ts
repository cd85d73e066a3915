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
  readRuleWindow,
} from '@pgvigil/db/alerting';
import type { RollupRow } from '@pgvigil/db/metrics';
import {
  attachHistory,
  BASELINE_DAYS,
  bucketsAsSamples,
  counterColumns,
  customDefinition,
  groupSeries,
  LONG_WINDOW_BUCKET_SECONDS,
  LONG_WINDOW_EXTRA_STALE_SECONDS,
  LONG_WINDOW_LEVEL,
  lookbackSeconds,
  newestSamples,
  planRuleOf,
  readsRollups,
  scopedBlackouts,
  staleAfterSeconds,
  stalenessRows,
  type PlanInput,
  type PlanRule,
  type RuleFailure,
  type Series,
} from '@pgvigil/alerting';

/**
 * Each rule's budget: its read runs with this statement_timeout, and a custom rule
 * reading more rows than this fails alone. Built-in rules of one probe share a read.
 */
export const RULE_READ_TIMEOUT_MS = 10_000;
export const CUSTOM_RULE_MAX_ROWS = 500_000;

export interface LoadOptions {
  baseUrl: string;
  reminderSeconds: number;
  /** evaluate forecast and anomaly rules (they read days of history) */
  includeTrends: boolean;
  log?: (message: string) => void;
  /** each rule's read budget (tests make it small) */
  ruleBudget?: { timeoutMs?: number; maxRows?: number };
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
  const failedRules: RuleFailure[] = [];
  for (const row of ruleRows) {
    const rule = planRuleOf(row, overrides);
    if (!rule) {
      if (row.kind === 'custom') {
        const why = customDefinition.safeParse(row.definition).error?.issues[0]?.message;
        failedRules.push({ ruleId: row.id, error: `invalid definition${why ? `: ${why}` : ''}` });
        log(`custom rule ${row.key} has an invalid definition; skipped`);
      }
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
  // Built-in rules share one read per probe and way of reading it; each custom rule
  // reads alone, so an editor's wide window can only fail (or slow) its own rule. The
  // reads run side by side: at fleet scale the datastore's wait is most of a cycle.
  const builtIn = new Map<string, PlanRule[]>();
  const groups: PlanRule[][] = [];
  for (const r of rules) {
    if (r.def.kind === 'custom') {
      groups.push([r]);
      continue;
    }
    const id = [r.def.source.probe, readMode(r), ...(r.def.source.objectKeys ?? [])].join('\u0000');
    const list = builtIn.get(id);
    if (list) list.push(r);
    else {
      builtIn.set(id, [r]);
      groups.push(builtIn.get(id)!);
    }
  }
  const read: ReadContext = {
    db,
    at,
    serverIds,
    latest,
    intervals,
    timeoutMs: opts.ruleBudget?.timeoutMs ?? RULE_READ_TIMEOUT_MS,
    maxRows: opts.ruleBudget?.maxRows ?? CUSTOM_RULE_MAX_ROWS,
    historyCache: opts.historyCache,
  };
  await Promise.all(
    groups.map(async (list) => {
      try {
        for (const [key, s] of await readGroup(read, list)) series.set(key, s);
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        for (const r of list) failedRules.push({ ruleId: r.id, error });
        log(`rules ${list.map((r) => r.def.key).join(', ')} skipped this cycle: ${error}`);
      }
    }),
  );

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
    failedRules,
    // lenient on purpose: this only decides whether an event probe's silence means "clear"
    collectorAlive: collectorAge !== undefined && collectorAge < 300,
    collection: {
      alive: collectorAge !== undefined && collectorAge < 300,
      intervalSeconds: new Map([...intervals].map(([p, i]) => [p, i.intervalSeconds])),
      newestSample: newestSamples(latest),
    },
  };
}

interface ReadContext {
  db: Db;
  at: Date;
  serverIds: number[];
  latest: Awaited<ReturnType<typeof latestSamples>>;
  intervals: Awaited<ReturnType<typeof probeIntervals>>;
  timeoutMs: number;
  maxRows: number;
  historyCache: LoadOptions['historyCache'];
}

/** The anomaly rules' hourly rollups of BASELINE_DAYS, from the cache when read this hour. */
async function readHistory(
  c: ReadContext,
  probe: string,
  anomalies: PlanRule[],
  custom: boolean,
): Promise<RollupRow[]> {
  const columns = [
    ...new Set(
      anomalies.flatMap((r) => [...r.def.source.columns, ...(r.def.source.objectKeys ?? [])]),
    ),
  ];
  const from = c.at.getTime() - BASELINE_DAYS * 86_400_000;
  const hour = Math.floor(c.at.getTime() / 3_600_000);
  const key = [probe, ...columns, '|', ...c.serverIds].join(',');
  const hit = c.historyCache?.get(key);
  // within the hour the baselines read only buckets that ended an hour ago, all cached
  if (hit?.hour === hour) return hit.rows.filter((r) => r.collected_at.getTime() >= from);
  const rows = await readRuleWindow(c.db, {
    probe,
    columns,
    serverIds: c.serverIds,
    level: '1h',
    from: new Date(from),
    to: c.at,
    timeoutMs: c.timeoutMs,
    ...(custom ? { maxRows: c.maxRows } : {}),
  });
  c.historyCache?.set(key, { hour, rows });
  return rows;
}

/**
 * The series of each rule of a group (same probe, same way of reading it: one custom
 * rule, or built-in rules), read under the rule budget.
 */
async function readGroup(c: ReadContext, list: PlanRule[]): Promise<Map<string, Series[]>> {
  const out = new Map<string, Series[]>();
  const first = list[0]!;
  const probe = first.def.source.probe;
  const mode = readMode(first);
  let rows: Parameters<typeof groupSeries>[0] = [];
  const custom = first.def.kind === 'custom' ? first : null;
  const columns = [
    ...new Set(list.flatMap((r) => [...r.def.source.columns, ...(r.def.source.objectKeys ?? [])])),
  ];
  const budget = {
    probe,
    columns,
    serverIds: c.serverIds,
    to: c.at,
    timeoutMs: c.timeoutMs,
    ...(custom ? { maxRows: c.maxRows } : {}),
  };
  const keys = first.def.source.objectKeys ?? [];
  if (probe === '$heartbeat') {
    const age = (await heartbeatAges(c.db, c.at)).collector;
    if (age !== undefined)
      rows = [
        {
          server_id: null,
          database_name: null,
          collected_at: c.at,
          values: { seconds_since: age },
        },
      ];
  } else if (probe === '$staleness') {
    rows = stalenessRows(c.latest, c.intervals, c.at);
  } else if (c.serverIds.length && custom && readsRollups(custom.def.windowSeconds)) {
    // a window over 6 hours reads 5-minute buckets, never days of raw samples
    const buckets = await readRuleWindow(c.db, {
      ...budget,
      level: LONG_WINDOW_LEVEL,
      from: new Date(
        c.at.getTime() - (custom.def.windowSeconds + LONG_WINDOW_BUCKET_SECONDS) * 1000,
      ),
    });
    custom.extraStaleSeconds = LONG_WINDOW_EXTRA_STALE_SECONDS;
    out.set(custom.def.key, bucketsAsSamples(groupSeries(buckets, keys), counterColumns(probe)));
    return out;
  } else if (c.serverIds.length) {
    const lookback =
      Math.max(
        ...list.map((r) =>
          lookbackSeconds(r.def, [r.tuning.params, ...r.overrides.map((o) => o.params)]),
        ),
      ) +
      2 * (c.intervals.get(probe)?.intervalSeconds ?? 60);
    rows = await readRuleWindow(c.db, {
      ...budget,
      level: 'raw',
      from: new Date(c.at.getTime() - lookback * 1000),
      ...(mode === 'newest' ? { newest: true, objectKeys: [...keys] } : {}),
      // a trend over days needs no more than a few dozen points per object
      ...(mode === 'trend' ? { bucketSeconds: Math.ceil(lookback / TREND_POINTS) } : {}),
    });
  }
  const anomalies = list.filter((r) => r.def.kind === 'anomaly');
  const history =
    anomalies.length && c.serverIds.length
      ? await readHistory(c, probe, anomalies, custom !== null)
      : [];
  // the rules of one read share their objects: one grouping serves them all
  const grouped = groupSeries(rows, keys);
  if (anomalies.length) attachHistory(grouped, history, keys);
  for (const r of list) out.set(r.def.key, grouped);
  return out;
}
