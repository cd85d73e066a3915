import { z } from 'zod';
import type { Queryable } from '../client';
import { ident } from '../client';
import { ValidationError } from '../errors';
import { carrySeconds, getMetricCatalog, pickColumns, type CatalogEntry } from './catalog';
import { bucketAverage, carriedValues, densify, type Run } from './sparse-read';
import { counterRateSql } from './rates';
import {
  ROLLUP_SECONDS,
  rollupLevels,
  rollupTable,
  seriesKeys,
  type MetricColumn,
  type RollupLevel,
} from '@pgvigil/schema/metric-spec';

export const SERIES_RESOLUTIONS = ['auto', 'raw', '5m', '1h'] as const;
export type SeriesResolution = (typeof SERIES_RESOLUTIONS)[number];

const input = z
  .object({
    probe: z.string().min(1),
    serverId: z.number().int().positive(),
    database: z.string().min(1).optional(),
    /** numeric columns; counters come back as per-second rates */
    columns: z.array(z.string()).min(1),
    from: z.date(),
    to: z.date(),
    /** equality filters on key columns, e.g. { relname: 'orders' } */
    keys: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    resolution: z.enum(SERIES_RESOLUTIONS).default('auto'),
    /**
     * at most about this many points per series: each series is averaged within buckets
     * (a whole number of source steps, aligned on the epoch) in the datastore, so a long
     * chart transfers one point per bucket and key rather than every row
     */
    maxPoints: z.number().int().positive().optional(),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });
export type ReadSeriesInput = z.input<typeof input>;

export interface SeriesPoint {
  t: Date;
  /** database_name (database scope) and key columns identifying the series */
  key: Record<string, unknown>;
  values: Record<string, number | null>;
}

export interface Series {
  /** what was actually read */
  resolution: Exclude<SeriesResolution, 'auto'>;
  /** which of the requested columns are rates (per second) */
  rates: string[];
  /** with `maxPoints`: the bucket width averaged over, in seconds */
  bucketSeconds?: number;
  points: SeriesPoint[];
}

const HOUR = 3600_000;

/** A coarser rollup stands in for raw rows when it still gives a chart this many points. */
export const MIN_ROLLUP_POINTS = 150;

/**
 * Picks the coarsest useful source: raw up to 6 h, 5-minute rollups up to 7 days,
 * hourly beyond, so a 30-day chart never scans raw rows. A probe without a level
 * (its interval is already that coarse) falls back to the next finer rollup; with
 * none finer, to the next coarser one when it still gives `MIN_ROLLUP_POINTS` over
 * the span (a 7-day chart of a 10-minute probe: 168 hourly points, not 1,008 raw
 * runs of every object of the database to carry sparse rows through), else raw.
 */
export function chooseResolution(
  entry: Pick<CatalogEntry, 'intervalSeconds' | 'changeTracked' | 'columns' | 'rollups'>,
  spanMs: number,
): Exclude<SeriesResolution, 'auto'> {
  const levels = rollupLevels(entry);
  const wanted: RollupLevel | 'raw' =
    spanMs <= 6 * HOUR ? 'raw' : spanMs <= 168 * HOUR ? '5m' : '1h';
  if (wanted === 'raw') return 'raw';
  if (levels.includes(wanted)) return wanted;
  const finer = levels.filter((l) => ROLLUP_SECONDS[l] < ROLLUP_SECONDS[wanted]).at(-1);
  if (finer) return finer;
  const coarser = levels.find((l) => ROLLUP_SECONDS[l] > ROLLUP_SECONDS[wanted]);
  return coarser && spanMs / 1000 / ROLLUP_SECONDS[coarser] >= MIN_ROLLUP_POINTS ? coarser : 'raw';
}

/** A time series of numeric columns for one server, counters as reset-safe per-second rates. */
export async function readSeries(db: Queryable, raw: ReadSeriesInput): Promise<Series> {
  const q = input.parse(raw);
  const entry = await getMetricCatalog(db, q.probe);
  const columns = pickColumns(entry, q.columns, true);
  const keys = seriesKeys(entry);
  const resolution =
    q.resolution === 'auto'
      ? chooseResolution(entry, q.to.getTime() - q.from.getTime())
      : q.resolution;
  if (resolution !== 'raw' && !rollupLevels(entry).includes(resolution)) {
    throw new ValidationError(`${q.probe} has no ${resolution} rollup`);
  }

  const params: unknown[] = [q.serverId, q.from, q.to];
  const filters: string[] = [];
  if (q.database && entry.scope === 'database') {
    filters.push(`database_name = $${params.push(q.database)}`);
  }
  for (const [k, v] of Object.entries(q.keys ?? {})) {
    if (!keys.includes(k)) throw new ValidationError(`${q.probe} has no key column ${k}`);
    filters.push(`${ident(k)} = $${params.push(v)}`);
  }
  const where = filters.map((f) => ` AND ${f}`).join('');
  const keyList = keys.map(ident);
  const sparse = resolution === 'raw' && entry.sparse !== undefined;
  let sql: string;
  if (resolution === 'raw') {
    // Look back two intervals so the first point in range still has a previous sample;
    // a sparse probe's row may stand for its key since up to a keyframe before.
    const lookback = sparse ? carrySeconds(entry) : 2 * entry.intervalSeconds;
    const since = new Date(q.from.getTime() - lookback * 1000 - 60_000);
    // sparse: every row since the lookback is kept, to carry into the window
    if (sparse) params[1] = since;
    else params.push(since);
    const sinceParam = sparse ? 2 : params.length;
    const exprs = columns.map(
      (c) =>
        `${c.counter ? counterRateSql(ident(c.name)) : `${ident(c.name)}::double precision`} AS ${ident(c.name)}`,
    );
    // a carried counter has a rate of 0, unless the server does not have it at all
    if (sparse)
      for (const c of columns.filter((x) => x.counter))
        exprs.push(`${ident(c.name)} IS NULL AS ${ident(`${c.name}__null`)}`);
    sql = `SELECT * FROM (
             SELECT collected_at AS t${keyList.map((k) => `, ${k}`).join('')}, ${exprs.join(', ')}
               FROM metrics.${ident(entry.name)}
              WHERE server_id = $1 AND collected_at >= $${sinceParam} AND collected_at <= $3${where}
             WINDOW w AS (PARTITION BY ${keyList.length ? keyList.join(', ') : 'server_id'} ORDER BY collected_at)
           ) s WHERE t >= $2 ORDER BY t`;
  } else {
    sql = `SELECT collected_at AS t${keyList.map((k) => `, ${k}`).join('')},
                  ${columns.map((c) => ident(c.name)).join(', ')}
             FROM metrics.${ident(rollupTable(entry.name, resolution))}
            WHERE server_id = $1 AND collected_at >= $2 AND collected_at <= $3${where}
            ORDER BY t`;
  }
  const step = resolution === 'raw' ? 60 : ROLLUP_SECONDS[resolution];
  const bucketSeconds = q.maxPoints
    ? Math.max(1, Math.ceil((q.to.getTime() - q.from.getTime()) / 1000 / q.maxPoints / step)) * step
    : undefined;
  const rates = columns.filter((c) => c.counter).map((c) => c.name);
  const pointOf = (r: Record<string, unknown> & { t: Date }): SeriesPoint => ({
    t: r.t,
    key: Object.fromEntries(keys.map((k) => [k, r[k]])),
    values: Object.fromEntries(columns.map((c) => [c.name, r[c.name] as number | null])),
  });
  if (sparse) {
    const points = await readSparse(db, entry, q, columns, rates, sql, params, pointOf);
    return {
      resolution,
      rates,
      ...(bucketSeconds
        ? { bucketSeconds, points: bucketAverage(points, bucketSeconds) }
        : { points }),
    };
  }
  if (bucketSeconds) {
    const names = columns.map((c) => ident(c.name));
    const keyCols = keyList.map((k) => `, ${k}`).join('');
    sql = `SELECT date_bin($${params.push(`${bucketSeconds} seconds`)}::interval, t, TIMESTAMPTZ 'epoch') AS t${keyCols},
                  ${names.map((n) => `avg(${n}) AS ${n}`).join(', ')}
             FROM (${sql}) p
            GROUP BY 1${keyCols} ORDER BY 1`;
  }
  const rows = await db.query<Record<string, unknown> & { t: Date }>(sql, params);
  return {
    resolution,
    ...(bucketSeconds ? { bucketSeconds } : {}),
    rates,
    points: rows.map(pointOf),
  };
}

/**
 * A sparse probe's raw series, dense: the stored rows (with rates against each key's
 * previous stored row) plus, at every run of the server and database in the window,
 * each key's last stored row carried forward.
 */
async function readSparse(
  db: Queryable,
  entry: CatalogEntry,
  q: z.output<typeof input>,
  columns: MetricColumn[],
  rates: string[],
  sql: string,
  params: unknown[],
  pointOf: (r: Record<string, unknown> & { t: Date }) => SeriesPoint,
): Promise<SeriesPoint[]> {
  const isDb = entry.scope === 'database';
  const keys = seriesKeys(entry);
  // runs from the earliest row read: a keyframe before the window ends a carry too
  const runParams: unknown[] = [q.serverId, params[1], q.to];
  const dbFilter = isDb && q.database ? ` AND database_name = $${runParams.push(q.database)}` : '';
  const [rows, runRows] = await Promise.all([
    db.query<Record<string, unknown> & { t: Date }>(sql, params),
    db.query<{ g: string | null; t: Date; keyframe: boolean }>(
      `SELECT ${isDb ? 'database_name' : 'NULL::text'} AS g, collected_at AS t, bool_or(keyframe) AS keyframe
         FROM metrics.${ident(entry.name)}
        WHERE server_id = $1 AND collected_at >= $2 AND collected_at <= $3${dbFilter}
        GROUP BY server_id, 1, 2 ORDER BY 2`,
      runParams,
    ),
  ]);
  const runs = new Map<string, Run[]>();
  for (const r of runRows) {
    const list = runs.get(r.g ?? '') ?? [];
    runs.set(r.g ?? '', list);
    list.push({ t: r.t.getTime(), keyframe: r.keyframe });
  }
  type Raw = Record<string, unknown> & { t: Date };
  const keyOf = (r: Raw) => JSON.stringify(keys.map((k) => r[k]));
  const dense = densify(rows, {
    runs,
    from: q.from.getTime(),
    to: q.to.getTime(),
    includeFrom: true,
    carryMs: carrySeconds(entry) * 1000,
    groupOf: (r) => (isDb ? String(r.database_name) : ''),
    keyOf,
    timeOf: (r) => r.t.getTime(),
    carry: (r, at): Raw => {
      const out: Raw = {
        ...carriedValues(r, columns, (at - r.t.getTime()) / 1000),
        t: new Date(at),
      };
      for (const c of rates) out[c] = r[`${c}__null`] ? null : 0;
      return out;
    },
  });
  return dense.map(pointOf);
}
