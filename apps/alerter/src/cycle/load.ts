import { partitionCoverage, type Db } from '@pgvigil/db';
import { configDriftByServer } from '@pgvigil/db/dashboard';
import {
  heartbeatAges,
  knownPrimaries,
  recentRoleChanges,
  selfLag,
  listAlertTargets,
  listBlackouts,
  listChannels,
  listRoutes,
  listEscalationPolicies,
  listOpenAlerts,
  listOverrides,
  listRules,
  latestSamples,
  probeIntervals,
  readRuleWindow,
  recentFirings,
} from '@pgvigil/db/alerting';
import type { RollupRow } from '@pgvigil/db/metrics';
import {
  attachHistory,
  BASELINE_DAYS,
  bucketsAsSamples,
  clusterRows,
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
  trendBucketSeconds,
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
   * What the trends rules read, kept by the loop between cycles: the anomaly
   * baselines' weeks of hourly rollups and the forecasts' days of buckets. At fleet
   * scale they are most of a trends cycle, and only their newest buckets change.
   */
  caches?: TrendCaches;
}

/** Rows read before, final up to `until` (ms); `hour`: when last read. */
export interface CachedRead {
  hour: number;
  until: number;
  rows: RollupRow[];
}
export interface TrendCaches {
  history: Map<string, CachedRead>;
  trend: Map<string, CachedRead>;
}
export const newTrendCaches = (): TrendCaches => ({ history: new Map(), trend: new Map() });

const HOUR_MS = 3_600_000;
/** a first read of weeks is split so that each part fits the rule budget's timeout */
const HISTORY_CHUNK_MS = 7 * 86_400_000;
const TREND_CHUNK_BUCKETS = 16;
/** raw samples may arrive this late (the collector's buffer): newer buckets are read again */
const TREND_SETTLE_MS = 10 * 60_000;

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
  const [
    ruleRows,
    overrides,
    targets,
    openAlerts,
    blackouts,
    channels,
    intervals,
    routes,
    policies,
    firings,
  ] = await Promise.all([
    listRules(db),
    listOverrides(db),
    listAlertTargets(db),
    listOpenAlerts(db),
    listBlackouts(db),
    listChannels(db),
    probeIntervals(db),
    listRoutes(db),
    listEscalationPolicies(db),
    // flap detection judges a firing against the two hours before it
    recentFirings(db, new Date(at.getTime() - 2 * HOUR_MS)),
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
    targets,
    serverIds,
    latest,
    intervals,
    timeoutMs: opts.ruleBudget?.timeoutMs ?? RULE_READ_TIMEOUT_MS,
    maxRows: opts.ruleBudget?.maxRows ?? CUSTOM_RULE_MAX_ROWS,
    caches: opts.caches,
    failed: failedRules,
    log,
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
  const primaries = await knownPrimaries(db, serverIds, at);
  const roleChanges = await recentRoleChanges(db, serverIds, at);
  return {
    at,
    rules,
    series,
    servers: new Map(
      targets.map((t) => [
        t.id,
        {
          id: t.id,
          name: t.name,
          clusterId: t.cluster_id,
          clusterName: t.cluster_name,
          environment: t.environment,
          tags: t.tags,
        },
      ]),
    ),
    openAlerts,
    blackouts: scopedBlackouts(blackouts),
    channels,
    routes,
    escalations: new Map(policies.map((p) => [p.id, p])),
    staleSeconds,
    baseUrl: opts.baseUrl,
    reminderSeconds: opts.reminderSeconds,
    deferredRuleIds: deferred,
    failedRules,
    recentFirings: firings,
    primaries,
    roleChanges,
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
  targets: Awaited<ReturnType<typeof listAlertTargets>>;
  serverIds: number[];
  latest: Awaited<ReturnType<typeof latestSamples>>;
  intervals: Awaited<ReturnType<typeof probeIntervals>>;
  timeoutMs: number;
  maxRows: number;
  caches: TrendCaches | undefined;
  failed: RuleFailure[];
  log: (message: string) => void;
}

/** Reads [from, to] in parts at `bounds` (each part its own statement, its own timeout). */
async function inParts(
  bounds: number[],
  read: (from: Date, to: Date) => Promise<RollupRow[]>,
): Promise<RollupRow[]> {
  let out: RollupRow[] = [];
  // concat, not push(...rows): a part holds hundreds of thousands of rows at fleet scale
  for (let i = 0; i + 1 < bounds.length; i++)
    out = out.concat(await read(new Date(bounds[i]!), new Date(bounds[i + 1]!)));
  return out;
}

/** from, then every `step` after it, then to */
function bounds(from: number, to: number, step: number, align = step): number[] {
  const out = [from];
  for (let t = Math.floor(from / align) * align + step; t < to; t += step) out.push(t);
  return [...out, to];
}

/** How much hourly history a rule reads before its window: none, or its baseline's. */
function historySeconds(r: PlanRule): number {
  if (r.def.kind === 'anomaly') return BASELINE_DAYS * 86_400;
  return r.def.source.hourlyHistorySeconds ?? 0;
}

/**
 * The hourly rollups the baselines of `rules` read (BASELINE_DAYS for anomaly rules,
 * `hourlyHistorySeconds` for others). The loop keeps them: within the hour they are
 * read once (a baseline reads only buckets that ended an hour before), and a new hour
 * reads only the buckets that may have changed since.
 */
async function readHistory(
  c: ReadContext,
  probe: string,
  rules: PlanRule[],
  custom: boolean,
): Promise<RollupRow[]> {
  const columns = [
    ...new Set(rules.flatMap((r) => [...r.def.source.columns, ...(r.def.source.objectKeys ?? [])])),
  ];
  const at = c.at.getTime();
  const from = at - Math.max(...rules.map(historySeconds)) * 1000;
  const hour = Math.floor(at / HOUR_MS);
  const read = (f: Date, t: Date) =>
    readRuleWindow(c.db, {
      probe,
      columns,
      serverIds: c.serverIds,
      level: '1h',
      from: f,
      to: t,
      timeoutMs: c.timeoutMs,
      ...(custom ? { maxRows: c.maxRows } : {}),
    });
  // a custom rule reads alone, under its row cap, every time
  if (custom) return read(new Date(from), c.at);
  const key = [probe, ...columns, '|', ...c.serverIds, '|', from - at].join(',');
  const hit = c.caches?.history.get(key);
  if (hit?.hour === hour) return hit.rows.filter((r) => r.collected_at.getTime() >= from);
  const kept = hit
    ? hit.rows.filter(
        (r) => r.collected_at.getTime() >= from && r.collected_at.getTime() < hit.until,
      )
    : [];
  const start = hit ? Math.max(from, hit.until) : from;
  // rollups start at their bucket: [from, to) each
  const rows = [...kept, ...(await inParts(bounds(start, at, HISTORY_CHUNK_MS), read))];
  // the hourly rollups of the last two hours are refreshed again as late samples arrive
  c.caches?.history.set(key, { hour, until: (hour - 2) * HOUR_MS, rows });
  return rows;
}

/**
 * A forecast's days as bucket averages (buckets aligned to the epoch). The loop keeps
 * the settled buckets, so a later cycle reads only the newest ones.
 */
async function readTrend(
  c: ReadContext,
  window: Omit<Parameters<typeof readRuleWindow>[1], 'from' | 'bucketSeconds' | 'level'>,
  lookbackSeconds: number,
  custom: boolean,
): Promise<RollupRow[]> {
  const at = c.at.getTime();
  const bucketSeconds = trendBucketSeconds(lookbackSeconds);
  const bucket = bucketSeconds * 1000;
  // whole buckets only, so a bucket kept from an earlier cycle is the one read afresh
  const from = Math.floor((at - lookbackSeconds * 1000) / bucket) * bucket;
  // raw samples are read in (from, to]: a bound 1 ms before a bucket's start keeps a
  // sample at that very start in its own bucket
  const read = (f: Date, t: Date) =>
    readRuleWindow(c.db, { ...window, level: 'raw', from: f, to: t, bucketSeconds });
  if (custom) return read(new Date(from - 1), c.at);
  const key = [window.probe, ...window.columns, '|', ...window.serverIds, '|', bucketSeconds].join(
    ',',
  );
  const hit = c.caches?.trend.get(key);
  const kept = hit
    ? hit.rows.filter(
        (r) =>
          r.collected_at.getTime() < hit.until &&
          Math.floor(r.collected_at.getTime() / bucket) * bucket + bucket > from,
      )
    : [];
  const start = (hit ? Math.max(from, hit.until) : from) - 1;
  const parts = bounds(start, at, TREND_CHUNK_BUCKETS * bucket, bucket).map((b, i, all) =>
    i === 0 || i === all.length - 1 ? b : b - 1,
  );
  const rows = [...kept, ...(await inParts(parts, read))];
  const until = Math.floor((at - TREND_SETTLE_MS) / bucket) * bucket;
  c.caches?.trend.set(key, { hour: Math.floor(at / HOUR_MS), until, rows });
  return rows;
}

/** One row per cluster: its members, how many answered, how many are primaries. */
async function readClusters(c: ReadContext) {
  const members = c.targets.filter((t) => t.cluster_id !== null);
  if (!members.length) return [];
  const stale = (probe: string) =>
    staleAfterSeconds(c.intervals.get(probe) ?? { intervalSeconds: 300, changeTracked: false });
  const newest = (probe: string, column: string) =>
    readRuleWindow(c.db, {
      probe,
      columns: [column],
      serverIds: members.map((m) => m.id),
      level: 'raw',
      from: new Date(c.at.getTime() - stale(probe) * 1000),
      to: c.at,
      newest: true,
      objectKeys: [],
      timeoutMs: c.timeoutMs,
    });
  const [info, up] = await Promise.all([
    newest('server_info', 'in_recovery'),
    newest('connectivity', 'up'),
  ]);
  return clusterRows(members, info, up, c.at, {
    info: stale('server_info'),
    connectivity: stale('connectivity'),
  });
}

/**
 * The series of each rule of a group (same probe, same way of reading it: one custom
 * rule, or built-in rules), read under the rule budget.
 */
async function readGroup(c: ReadContext, rules: PlanRule[]): Promise<Map<string, Series[]>> {
  let list = rules;
  const out = new Map<string, Series[]>();
  const first = list[0]!;
  const probe = first.def.source.probe;
  const mode = readMode(first);
  let rows: Parameters<typeof groupSeries>[0] = [];
  const custom = first.def.kind === 'custom' ? first : null;
  const columns = [
    ...new Set(
      list.flatMap((r) => [
        ...r.def.source.columns,
        ...(r.def.source.objectKeys ?? []),
        ...(r.def.source.unavailableColumn ? [r.def.source.unavailableColumn] : []),
      ]),
    ),
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
    const lag = await selfLag(c.db, c.at);
    if (age !== undefined)
      rows = [
        {
          server_id: null,
          database_name: null,
          collected_at: c.at,
          values: {
            seconds_since: age,
            // a silent collector's last word is stale: collector_down says it
            collector_lag_seconds: age < 120 ? lag.collectorLagSeconds : null,
            outbox_wait_seconds: lag.outboxWaitSeconds,
          },
        },
      ];
  } else if (probe === '$staleness') {
    rows = stalenessRows(c.latest, c.intervals, c.at);
  } else if (probe === '$partitions') {
    rows = (await partitionCoverage(c.db, c.at)).map((p) => ({
      server_id: null,
      database_name: null,
      collected_at: c.at,
      values: { table: p.table, seconds_ahead: p.secondsAhead },
    }));
  } else if (probe === '$config_drift') {
    rows = (await configDriftByServer(c.db, c.serverIds)).map((d) => ({
      server_id: d.serverId,
      database_name: null,
      collected_at: c.at,
      values: { settings: d.settings, hba: d.hba, changed: d.changed },
    }));
  } else if (probe === '$clusters') {
    rows = await readClusters(c);
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
    // a trend over days needs no more than a few dozen points per object
    rows =
      mode === 'trend'
        ? await readTrend(c, budget, lookback, custom !== null)
        : await readRuleWindow(c.db, {
            ...budget,
            level: 'raw',
            from: new Date(c.at.getTime() - lookback * 1000),
            ...(mode === 'newest' ? { newest: true, objectKeys: [...keys] } : {}),
          });
  }
  // anomaly rules, and rules whose baseline is hours of rollups before their window
  let baselines = list.filter((r) => historySeconds(r) > 0);
  let history: RollupRow[] = [];
  if (baselines.length && c.serverIds.length) {
    try {
      history = await readHistory(c, probe, baselines, custom !== null);
    } catch (err) {
      // the baselines failed: their rules skip this cycle, the others of the read do not
      if (custom) throw err;
      const error = err instanceof Error ? err.message : String(err);
      for (const r of baselines) c.failed.push({ ruleId: r.id, error });
      c.log(`rules ${baselines.map((r) => r.def.key).join(', ')} skipped this cycle: ${error}`);
      list = list.filter((r) => historySeconds(r) === 0);
      baselines = [];
    }
  }
  // the rules of one read share their objects: one grouping serves them all
  const grouped = groupSeries(rows, keys);
  for (const s of grouped)
    if (probe === '$clusters') s.clusterId = Number(s.rows[0]!.values.cluster_id);
  if (baselines.length) attachHistory(grouped, history, keys);
  for (const r of list) out.set(r.def.key, grouped);
  return out;
}
