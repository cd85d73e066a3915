import { z } from 'zod';
import type { Queryable } from '../client';
import { ident } from '../client';
import { ValidationError } from '../errors';
import { getMetricCatalog, pickColumns, type CatalogEntry } from './catalog';
import { counterRateSql } from './rates';
import {
  ROLLUP_SECONDS,
  rollupLevels,
  rollupTable,
  seriesKeys,
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

/**
 * Picks the coarsest useful source: raw up to 6 h, 5-minute rollups up to 7 days,
 * hourly beyond, so a 30-day chart never scans raw rows. A probe without a level
 * (its interval is already that coarse) falls back to the next finer source.
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
  return levels.filter((l) => ROLLUP_SECONDS[l] < ROLLUP_SECONDS[wanted]).at(-1) ?? 'raw';
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
  let sql: string;
  if (resolution === 'raw') {
    // Look back two intervals so the first point in range still has a previous sample.
    params.push(new Date(q.from.getTime() - 2 * entry.intervalSeconds * 1000 - 60_000));
    const exprs = columns.map(
      (c) =>
        `${c.counter ? counterRateSql(ident(c.name)) : `${ident(c.name)}::double precision`} AS ${ident(c.name)}`,
    );
    sql = `SELECT * FROM (
             SELECT collected_at AS t${keyList.map((k) => `, ${k}`).join('')}, ${exprs.join(', ')}
               FROM metrics.${ident(entry.name)}
              WHERE server_id = $1 AND collected_at >= $${params.length} AND collected_at <= $3${where}
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
    rates: columns.filter((c) => c.counter).map((c) => c.name),
    points: rows.map((r) => ({
      t: r.t,
      key: Object.fromEntries(keys.map((k) => [k, r[k]])),
      values: Object.fromEntries(columns.map((c) => [c.name, r[c.name] as number | null])),
    })),
  };
}
