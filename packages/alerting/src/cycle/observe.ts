import {
  aggregate,
  baseline,
  DEFAULT_BASELINE,
  type Baseline,
  evaluate,
  forecast,
  type Condition,
  type Observation,
  type Sample,
  type Tuning,
} from '../core';
import { num, paramValues, type RuleDefinition, type SourceRow } from '../rules';
import type { Severity } from '@pgvigil/schema';

/** One (server, database, object) of one rule: the unit that becomes one alert. */
export interface Series {
  serverId: number | null;
  database: string | null;
  object: string | null;
  /** a cluster-scoped series (probe `$clusters`, no server): the cluster it is about */
  clusterId?: number | null;
  rows: SourceRow[];
  /**
   * The probe reported for this server and database after this object's last row:
   * the object (table, index, slot...) is gone, so whatever it had has cleared.
   */
  vanished?: boolean;
  /**
   * anomaly rules and rules with `hourlyHistorySeconds`: the series' hourly rollup rows,
   * oldest first (its baseline)
   */
  history?: SourceRow[];
}

export interface Observed {
  obs: Observation;
  details: Record<string, unknown>;
}

const DAY = 86_400;

/** How much hourly history an anomaly baseline reads: three of each hour of the week. */
export const BASELINE_DAYS = 21;

/** A forecast rule's trend window in days, with its effective parameters. */
export const forecastWindowDays = (
  def: RuleDefinition,
  params?: Readonly<Record<string, number>>,
) => paramValues(def, params).window_days ?? def.forecast?.windowDays ?? 7;

/** A forecast's days are read as at most this many bucket averages per object. */
export const TREND_POINTS = 64;
/** The bucket a forecast reading `lookbackSeconds` of samples averages them by. */
export const trendBucketSeconds = (lookbackSeconds: number) =>
  Math.ceil(lookbackSeconds / TREND_POINTS);

/**
 * How far back a rule needs raw rows, in seconds, for the largest window any of its
 * parameter sets (global, overrides) asks for. Anomaly baselines read the hourly
 * rollups instead (`BASELINE_DAYS`); their raw rows are the current window only.
 */
export function lookbackSeconds(
  def: RuleDefinition,
  paramSets: readonly (Readonly<Record<string, number>> | undefined)[] = [],
): number {
  if (def.kind === 'forecast')
    return Math.max(...[undefined, ...paramSets].map((p) => forecastWindowDays(def, p))) * DAY;
  return def.windowSeconds;
}

/**
 * What a rule reading hourly history (`source.hourlyHistorySeconds`) derives from: the
 * series' hourly rollup rows that ended before its window, then its raw rows in the
 * window (before the newest row), so no stretch of time counts twice.
 */
export function withHourlyHistory(series: Series, windowSeconds: number): SourceRow[] {
  const last = series.rows[series.rows.length - 1];
  // a caller that read no rollups (a backtest's raw replay) derives from its raw rows
  if (!last || !series.history) return series.rows;
  const start = last.at.getTime() - windowSeconds * 1000;
  return [
    ...series.history.filter((r) => r.at.getTime() + 3_600_000 <= start),
    ...series.rows.filter((r) => r.at.getTime() > start),
  ];
}

/** Attaches to each series the rollup rows of the same server, database and object. */
export function attachHistory(
  series: readonly Series[],
  rollups: Parameters<typeof groupSeries>[0],
  objectKeys: readonly string[],
): void {
  const id = (s: Pick<Series, 'serverId' | 'database' | 'object'>) =>
    `${s.serverId}\u0000${s.database ?? ''}\u0000${s.object ?? ''}`;
  const byId = new Map(groupSeries(rollups, objectKeys).map((h) => [id(h), h.rows]));
  for (const s of series) s.history = byId.get(id(s)) ?? [];
}

/**
 * Splits a probe's rows into one series per server / database / object. Rows must
 * be oldest first; each keeps that order.
 */
export function groupSeries(
  rows: readonly {
    server_id: number | null;
    database_name: string | null;
    collected_at: Date;
    values: Record<string, unknown>;
  }[],
  objectKeys: readonly string[],
): Series[] {
  const bySeries = new Map<string, Series>();
  for (const r of rows) {
    const object = objectKeys.length
      ? objectKeys.map((k) => String(r.values[k] ?? '')).join('.')
      : null;
    const id = `${r.server_id}\u0000${r.database_name ?? ''}\u0000${object ?? ''}`;
    let s = bySeries.get(id);
    if (!s) {
      s = { serverId: r.server_id, database: r.database_name, object, rows: [] };
      bySeries.set(id, s);
    }
    s.rows.push({ at: r.collected_at, values: r.values });
  }
  const series = [...bySeries.values()];
  if (objectKeys.length === 0) return series;
  const newest = new Map<string, number>();
  const where = (s: Series) => `${s.serverId}\u0000${s.database ?? ''}`;
  for (const s of series) {
    const t = s.rows[s.rows.length - 1]!.at.getTime();
    newest.set(where(s), Math.max(newest.get(where(s)) ?? 0, t));
  }
  for (const s of series)
    s.vanished = s.rows[s.rows.length - 1]!.at.getTime() < newest.get(where(s))!;
  return series;
}

/**
 * An anomaly rule's expected band at `at` from its series' hourly rollup rows (oldest
 * first), with its effective sensitivity: what the alerter judges, and what the
 * dashboard draws. Only hourly buckets that ended before the current window count:
 * the spike is not its own baseline.
 */
export function anomalyBaseline(
  def: RuleDefinition,
  history: readonly SourceRow[],
  at: Date,
  sensitivity: number | null,
  /** the span the judged value averages (a backtest judges whole rollup buckets) */
  windowSeconds: number = def.windowSeconds,
): Baseline {
  return anomalyBand(def, anomalySamples(def, history), at, sensitivity, windowSeconds);
}

/** An anomaly rule's metric from each of its hourly rollup rows. */
export function anomalySamples(def: RuleDefinition, history: readonly SourceRow[]): Sample[] {
  const fromRollup = def.anomaly?.fromRollup;
  return fromRollup
    ? history.map((r) => ({ at: r.at, value: fromRollup((n) => num(r.values[n])) }))
    : [];
}

/** `anomalyBaseline` from the metric's hourly samples (`anomalySamples`). */
export function anomalyBand(
  def: RuleDefinition,
  samples: readonly Sample[],
  at: Date,
  sensitivity: number | null,
  windowSeconds: number = def.windowSeconds,
): Baseline {
  const until = at.getTime() - windowSeconds * 1000 - 3_600_000;
  return baseline(
    samples.filter((s) => s.at.getTime() <= until),
    at,
    {
      ...DEFAULT_BASELINE,
      sensitivity: sensitivity ?? def.anomaly?.sensitivity ?? 3,
      spreadFactor: Math.sqrt(3600 / windowSeconds),
      floorAbsolute: def.anomaly?.floor ?? DEFAULT_BASELINE.floorAbsolute,
    },
  );
}

/** The numeric condition of a rule with its effective tuning. */
export function conditionOf(def: RuleDefinition, tuning: Tuning, staleSeconds: number): Condition {
  return {
    aggregation: def.aggregation,
    windowSeconds: def.windowSeconds,
    operator: def.operator,
    warning: tuning.warning,
    critical: tuning.critical,
    // a yes/no metric has no "almost": up = 1 must clear `up < 1`
    hysteresis: def.unit === 'bool' ? 0 : 0.05,
    ...(def.unit === 'percent' ? { range: { min: 0, max: 100 } } : {}),
    staleSeconds,
  };
}

/** Evaluates one series of one rule with its effective tuning. */
export function observe(
  def: RuleDefinition,
  tuning: Tuning,
  series: Series,
  at: Date,
  active: Severity | null,
  staleSeconds: number,
): Observed {
  if (series.vanished) return { obs: { kind: 'clear', value: null }, details: { vanished: true } };
  const rows = def.source.hourlyHistorySeconds
    ? withHourlyHistory(series, def.windowSeconds)
    : series.rows;
  const samples = def.source.derive(rows, paramValues(def, tuning.params));
  const condition = conditionOf(def, tuning, staleSeconds);
  if (def.kind === 'forecast') return judgeForecast(def, tuning, condition, samples, at, active);
  if (def.kind === 'anomaly')
    return judgeAnomaly(
      def,
      tuning,
      condition,
      { samples, history: series.history ?? [] },
      at,
      active,
    );
  const obs = evaluate(condition, samples, at, active);
  const excerpt = def.excerpt && obs.kind !== 'missing' ? def.excerpt(series.rows) : null;
  return { obs, details: excerpt ? { excerpt } : {} };
}

/**
 * A forecast rule's verdict at `at` from its trend's samples (bucket averages): days
 * until the fitted trend reaches the limit, judged against the levels.
 */
export function judgeForecast(
  def: RuleDefinition,
  tuning: Tuning,
  condition: Condition,
  samples: readonly Sample[],
  at: Date,
  active: Severity | null,
): Observed {
  const limit = def.forecast?.limit ?? 100;
  const f = forecast(samples, limit, at, forecastWindowDays(def, tuning.params));
  // not enough history to fit a trend is not "no data": the rule just has no opinion
  if (!f || f.daysUntilLimit === null)
    return { obs: { kind: 'clear', value: null }, details: { forecast: f } };
  const days = Math.round(f.daysUntilLimit * 10) / 10;
  const obs = evaluate(
    { ...condition, aggregation: 'latest', staleSeconds: Infinity },
    [{ at, value: days }],
    at,
    active,
  );
  return { obs, details: { forecast: f } };
}

/**
 * An anomaly rule's verdict at `at`: the mean of the samples of the rule's window
 * against the baseline of the hourly rollups that ended before it, in robust
 * deviations.
 */
export function judgeAnomaly(
  def: RuleDefinition,
  tuning: Tuning,
  condition: Condition,
  s: {
    samples: readonly Sample[];
    history: readonly SourceRow[];
    /** `anomalyBaseline` of the history, when the caller keeps it (a backtest) */
    band?: (at: Date, windowSeconds: number) => Baseline;
  },
  at: Date,
  active: Severity | null,
  /**
   * a backtest of rollups judges whole buckets: the window is a bucket, and the
   * baseline is the one of the time just before the newest bucket's end (its hour)
   */
  judged: { windowSeconds?: number; baselineAt?: Date } = {},
): Observed {
  const windowSeconds = judged.windowSeconds ?? def.windowSeconds;
  const baselineAt = judged.baselineAt ?? at;
  const current = aggregate(
    'avg',
    s.samples.filter((x) => x.at.getTime() > at.getTime() - windowSeconds * 1000),
  );
  if (current === null) return { obs: { kind: 'missing' }, details: {} };
  // hourly buckets that ended before the current window: the spike is not its own baseline
  const band = s.band
    ? s.band(baselineAt, windowSeconds)
    : anomalyBaseline(def, s.history, baselineAt, tuning.warning, windowSeconds);
  if (!band.ready) return { obs: { kind: 'clear', value: null }, details: { baseline: band } };
  const deviation = Math.abs(current - band.median) / band.spread;
  const obs = evaluate(
    { ...condition, aggregation: 'latest', operator: '>', staleSeconds: Infinity },
    [{ at, value: Math.round(deviation * 100) / 100 }],
    at,
    active,
  );
  return { obs, details: { baseline: band, current } };
}
