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
  readRuleWindow,
} from '@pgvigil/db/alerting';
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
  const byProbe = new Map<string, PlanRule[]>();
  for (const r of rules)
    byProbe.set(r.def.source.probe, [...(byProbe.get(r.def.source.probe) ?? []), r]);
  // Built-in rules of a probe share one read; each custom rule reads alone, so an
  // editor's wide window can only fail (or slow) its own rule, never the others.
  const groups = [...byProbe].flatMap(([probe, list]) => [
    { probe, rules: list.filter((r) => r.def.kind !== 'custom') },
    ...list.filter((r) => r.def.kind === 'custom').map((r) => ({ probe, rules: [r] })),
  ]);
  const read = {
    db,
    at,
    serverIds,
    latest,
    intervals,
    timeoutMs: opts.ruleBudget?.timeoutMs ?? RULE_READ_TIMEOUT_MS,
    maxRows: opts.ruleBudget?.maxRows ?? CUSTOM_RULE_MAX_ROWS,
  };
  for (const g of groups.filter((g) => g.rules.length > 0)) {
    try {
      for (const [key, s] of await readGroup(read, g.probe, g.rules)) series.set(key, s);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      for (const r of g.rules) failedRules.push({ ruleId: r.id, error });
      log(`rules ${g.rules.map((r) => r.def.key).join(', ')} skipped this cycle: ${error}`);
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
}

/** The series of each rule of a group (same probe), read under the rule budget. */
async function readGroup(
  c: ReadContext,
  probe: string,
  list: PlanRule[],
): Promise<Map<string, Series[]>> {
  const out = new Map<string, Series[]>();
  let rows: Parameters<typeof groupSeries>[0] = [];
  const custom = list.length === 1 && list[0]!.def.kind === 'custom' ? list[0]! : null;
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
  } else if (probe === '$partitions') {
    rows = (await partitionCoverage(c.db, c.at)).map((p) => ({
      server_id: null,
      database_name: null,
      collected_at: c.at,
      values: { table: p.table, seconds_ahead: p.secondsAhead },
    }));
  } else if (c.serverIds.length && custom && readsRollups(custom.def.windowSeconds)) {
    // a window over 6 hours reads 5-minute buckets, never days of raw samples
    const keys = custom.def.source.objectKeys ?? [];
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
    });
  }
  const anomalies = list.filter((r) => r.def.kind === 'anomaly');
  const history =
    anomalies.length && c.serverIds.length
      ? await readRuleWindow(c.db, {
          ...budget,
          level: '1h',
          columns: [
            ...new Set(
              anomalies.flatMap((r) => [
                ...r.def.source.columns,
                ...(r.def.source.objectKeys ?? []),
              ]),
            ),
          ],
          from: new Date(c.at.getTime() - BASELINE_DAYS * 86_400_000),
        })
      : [];
  for (const r of list) {
    const keys = r.def.source.objectKeys ?? [];
    const grouped = groupSeries(rows, keys);
    if (r.def.kind === 'anomaly') attachHistory(grouped, history, keys);
    out.set(r.def.key, grouped);
  }
  return out;
}
