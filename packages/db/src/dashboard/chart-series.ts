import { z } from 'zod';
import { parseInput } from './parse';
import type { Queryable } from '../client';
import { NotFoundError, ValidationError } from '../errors';
import { readSeries, type SeriesPoint, type SeriesResolution } from '../metrics';
import { CHARTS, CHART_IDS, type ChartDef } from '@pgvigil/schema/charts';

/** Most points a chart draws; finer data is averaged into wider buckets. */
export const MAX_POINTS = 300;

export const chartInput = z
  .object({
    serverId: z.coerce.number().int().positive(),
    chart: z.enum(CHART_IDS),
    database: z.string().min(1).max(200).optional(),
    /** the table or index of a per-object chart */
    schema: z.string().min(1).max(200).optional(),
    object: z.string().min(1).max(200).optional(),
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((i) => i.from < i.to, { message: '`from` must be before `to`', path: ['from'] });
// `chart` is checked by the schema, so callers may pass any string from a URL.
export type ChartInput = Omit<z.input<typeof chartInput>, 'chart'> & { chart: string };

export interface ChartRow {
  t: number;
  [series: string]: number | null;
}

export interface ChartData {
  chart: ChartDef;
  available: boolean;
  /** why there is nothing to draw, in words a DBA can act on */
  reason?: string;
  resolution: Exclude<SeriesResolution, 'auto'> | null;
  bucketSeconds: number;
  /** the names of the plotted series (columns, or key values for split charts) */
  series: string[];
  rows: ChartRow[];
}

export function bucketSecondsFor(from: Date, to: Date, stepSeconds: number): number {
  const span = (to.getTime() - from.getTime()) / 1000;
  return Math.max(1, Math.ceil(span / MAX_POINTS / stepSeconds)) * stepSeconds;
}

/**
 * Shapes per-key points into chart rows: each key's values are averaged within a
 * bucket, then keys are combined (summed: commits of every database make the
 * server's commits) or, for split charts, become one series per key value.
 */
export function shapeChart(
  points: readonly SeriesPoint[],
  chart: Pick<ChartDef, 'columns' | 'splitBy' | 'combine'>,
  bucketSeconds: number,
): { series: string[]; rows: ChartRow[] } {
  const size = bucketSeconds * 1000;
  // bucket -> series name -> key id -> [sum, n]
  const acc = new Map<number, Map<string, Map<string, [number, number]>>>();
  const names = new Set<string>();
  for (const p of points) {
    const bucket = Math.floor(p.t.getTime() / size) * size;
    const keyId = JSON.stringify(p.key);
    for (const col of chart.columns) {
      const v = p.values[col];
      if (v == null) continue;
      const name = chart.splitBy ? String(p.key[chart.splitBy] ?? 'other') : col;
      names.add(name);
      const perBucket = acc.get(bucket) ?? new Map<string, Map<string, [number, number]>>();
      acc.set(bucket, perBucket);
      const perSeries = perBucket.get(name) ?? new Map<string, [number, number]>();
      perBucket.set(name, perSeries);
      const cell = perSeries.get(keyId) ?? [0, 0];
      perSeries.set(keyId, [cell[0] + v, cell[1] + 1]);
    }
  }
  const series = [...names].sort();
  const rows = [...acc.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, perBucket]) => {
      const row: ChartRow = { t };
      for (const name of series) {
        const cells = [...(perBucket.get(name)?.values() ?? [])].map(([s, n]) => s / n);
        if (cells.length === 0) row[name] = null;
        else {
          const total = cells.reduce((a, b) => a + b, 0);
          row[name] = chart.combine === 'avg' ? total / cells.length : total;
        }
      }
      return row;
    });
  return { series, rows };
}

export async function readChart({
  db,
  input,
}: {
  db: Queryable;
  input: ChartInput;
}): Promise<ChartData> {
  const i = parseInput(chartInput, input);
  const chart = CHARTS[i.chart];
  if (chart.objectKey && !(i.database && i.schema && i.object)) {
    throw new ValidationError(`${chart.id} needs database, schema and object`, {
      object: 'required for a table or index chart',
    });
  }
  const keys = {
    ...(i.database && chart.databaseKey ? { [chart.databaseKey]: i.database } : {}),
    ...(chart.objectKey ? { schemaname: i.schema!, [chart.objectKey]: i.object! } : {}),
  };
  try {
    const s = await readSeries(db, {
      probe: chart.probe,
      serverId: i.serverId,
      // Database-scope probes filter on database_name; per-server reads of
      // pg_stat_database carry the database as a key column instead.
      ...(chart.databaseKey ? {} : { database: i.database }),
      keys,
      columns: [...chart.columns],
      from: i.from,
      to: i.to,
      maxPoints: MAX_POINTS,
    });
    const step = s.resolution === 'raw' ? 60 : s.resolution === '5m' ? 300 : 3600;
    const bucketSeconds = s.bucketSeconds ?? bucketSecondsFor(i.from, i.to, step);
    const shaped = shapeChart(s.points, chart, bucketSeconds);
    return {
      chart,
      available: shaped.rows.length > 0,
      ...(shaped.rows.length === 0
        ? {
            reason:
              chart.emptyHint ??
              'No samples in this time range yet. The collector writes one every minute.',
          }
        : {}),
      resolution: s.resolution,
      bucketSeconds,
      ...shaped,
    };
  } catch (err) {
    // Never collected (NotFound), or collected without these columns on this
    // server's version (Validation): an empty chart that says why, not an error.
    if (!(err instanceof NotFoundError) && !(err instanceof ValidationError)) throw err;
    return {
      chart,
      available: false,
      reason: err instanceof NotFoundError ? chart.unavailableHint : err.message,
      resolution: null,
      bucketSeconds: 0,
      series: [],
      rows: [],
    };
  }
}
