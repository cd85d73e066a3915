import { NotFoundError, ValidationError } from '@pgvigil/db';
import { MAX_POINTS } from '@pgvigil/db/dashboard';
import { getMetricCatalog, isNumeric, listMetricCatalog, readSeries } from '@pgvigil/db/metrics';
import { z } from 'zod';
import { defineTool, ToolError } from '../tool';
import { database, serverId, windowOf, windowShape } from './inputs';

/** Most points one answer carries; a longer series says it was cut. */
const MAX_ANSWER_POINTS = 5000;

export const listMetrics = defineTool({
  name: 'list_metrics',
  title: 'List metrics',
  description:
    'Every probe the collector stores and its columns (type, unit, whether a counter, which are keys): what metric_series can read.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({ probe: z.string().min(1).max(100).optional().describe('one probe only') }),
  example: { probe: 'database_stats' },
  async run({ db, links }, i) {
    const entries = i.probe ? [await getMetricCatalog(db, i.probe)] : await listMetricCatalog(db);
    const probes = entries.map((e) => ({
      probe: e.name,
      scope: e.scope,
      intervalSeconds: e.intervalSeconds,
      changeTracked: e.changeTracked,
      columns: e.columns.map((c) => ({
        name: c.name,
        type: c.type,
        ...(c.unit ? { unit: c.unit } : {}),
        ...(c.counter ? { counter: true } : {}),
        ...(c.key ? { key: true } : {}),
      })),
    }));
    return {
      summary: `${probes.length} probes.`,
      data: { probes },
      links: [{ label: 'Fleet', url: links.fleet() }],
    };
  },
});

export const metricSeries = defineTool({
  name: 'metric_series',
  title: 'Metric series',
  description:
    'Any numeric probe column of a server over any window, as the charts read it: raw samples up to 6 h, 5-minute rollups up to 7 days, hourly beyond, averaged into at most 300 buckets; counters are per-second rates, safe across resets. One series per key (database, table, standby...).',
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    probe: z.string().min(1).max(100).describe('a probe name (see list_metrics)'),
    columns: z.array(z.string().min(1).max(100)).min(1).max(10),
    database: database.optional(),
    keys: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('equality filters on key columns, e.g. {"relname": "orders"}'),
    ...windowShape,
  }),
  example: { serverId: 1, probe: 'database_stats', columns: ['xact_commit'], last: '24h' },
  async run({ db, at, links }, i) {
    const w = windowOf(i, at);
    let s;
    try {
      s = await readSeries(db, {
        probe: i.probe,
        serverId: i.serverId,
        ...(i.database ? { database: i.database } : {}),
        columns: i.columns,
        ...(i.keys ? { keys: i.keys } : {}),
        from: w.from,
        to: w.to,
        maxPoints: MAX_POINTS,
      });
    } catch (err) {
      if (err instanceof NotFoundError)
        throw new ToolError(
          `No probe named ${i.probe} has been stored.`,
          'Call list_metrics for the probes.',
        );
      if (err instanceof ValidationError) {
        const entry = await getMetricCatalog(db, i.probe);
        throw new ToolError(
          err.message,
          `Numeric columns of ${i.probe}: ${entry.columns
            .filter((c) => !c.key && isNumeric(c))
            .map((c) => c.name)
            .join(', ')}; key columns: ${
            entry.columns
              .filter((c) => c.key)
              .map((c) => c.name)
              .join(', ') || 'none'
          }.`,
        );
      }
      throw err;
    }
    const byKey = new Map<
      string,
      { key: Record<string, unknown>; points: Record<string, unknown>[] }
    >();
    let kept = 0;
    for (const p of s.points) {
      if (kept >= MAX_ANSWER_POINTS) break;
      const id = JSON.stringify(p.key);
      const series = byKey.get(id) ?? { key: p.key, points: [] };
      byKey.set(id, series);
      series.points.push({ t: p.t, ...p.values });
      kept++;
    }
    return {
      summary: `${i.probe} ${i.columns.join(', ')}: ${byKey.size} series, ${kept} points at ${s.resolution} resolution.`,
      data: {
        probe: i.probe,
        from: w.from,
        to: w.to,
        resolution: s.resolution,
        bucketSeconds: s.bucketSeconds ?? null,
        rates: s.rates,
        truncated: s.points.length > kept,
        series: [...byKey.values()],
      },
      links: [{ label: 'Server charts for this window', url: links.server(i.serverId, w) }],
    };
  },
});
