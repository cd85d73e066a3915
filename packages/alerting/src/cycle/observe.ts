import {
  aggregate,
  baseline,
  DEFAULT_BASELINE,
  type Baseline,
  evaluate,
  forecast,
  type Condition,
  type Observation,
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
): Baseline {
  const until = at.getTime() - def.windowSeconds * 1000 - 3_600_000;
  const fromRollup = def.anomaly?.fromRollup;
  const samples = fromRollup
    ? history
        .filter((r) => r.at.getTime() <= until)
        .map((r) => ({ at: r.at, value: fromRollup((n) => num(r.values[n])) }))
    : [];
  return baseline(samples, at, {
    ...DEFAULT_BASELINE,
    sensitivity: sensitivity ?? def.anomaly?.sensitivity ?? 3,
    spreadFactor: Math.sqrt(3600 / def.windowSeconds),
    floorAbsolute: def.anomaly?.floor ?? DEFAULT_BASELINE.floorAbsolute,
  });
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
  if (def.kind === 'forecast') {
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
  if (def.kind === 'anomaly') {
    const current = aggregate(
      'avg',
      samples.filter((s) => s.at.getTime() > at.getTime() - def.windowSeconds * 1000),
    );
    if (current === null) return { obs: { kind: 'missing' }, details: {} };
    // hourly buckets that ended before the current window: the spike is not its own baseline
    const band = anomalyBaseline(def, series.history ?? [], at, tuning.warning);
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
  return { obs: evaluate(condition, samples, at, active), details: {} };
}
