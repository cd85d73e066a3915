import { TOP_QUERY_SORTS } from '@pgvigil/schema';
import { getQueryHistory, listTopQueries } from '@pgvigil/db/dashboard';
import { z } from 'zod';
import { defineTool } from '../tool';
import { serverId, windowOf, windowShape } from './inputs';

const queryid = z
  .string()
  .regex(
    /^-?\d{1,20}$|^\(others\)$/,
    'a pg_stat_statements queryid (digits), as top_queries gives it',
  )
  .describe('the queryid, as text');

export const topQueries = defineTool({
  name: 'top_queries',
  title: 'Top queries',
  description:
    "The statements that cost the most in a window, from pg_stat_statements deltas: order by total time, mean time, calls, rows, I/O (blocks read) or temp (blocks written). pgvigil's own statements are left out.",
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    orderBy: z.enum(TOP_QUERY_SORTS).optional().describe('default total_time'),
    limit: z.number().int().min(1).max(100).optional().describe('default 10'),
    ...windowShape,
  }),
  example: { serverId: 1, orderBy: 'io', last: '6h' },
  async run({ db, at, links }, i) {
    const w = windowOf(i, at);
    const top = await listTopQueries({
      db,
      input: { serverId: i.serverId, ...w, sort: i.orderBy ?? 'total_time', limit: i.limit ?? 10 },
    });
    const queries = top.queries.map((q) => ({ ...q, link: links.query(i.serverId, q.queryid, w) }));
    return {
      summary: top.available
        ? `${queries.length} statements by ${i.orderBy ?? 'total_time'}.`
        : `Top queries are unavailable: ${top.reason ?? 'no data'}`,
      data: {
        available: top.available,
        reason: top.reason ?? null,
        from: w.from,
        to: w.to,
        queries,
      },
      links: [{ label: 'Server (top queries)', url: links.server(i.serverId, w) }],
    };
  },
});

export const queryHistory = defineTool({
  name: 'query_history',
  title: 'Query history',
  description:
    'One statement over a window: its text, totals (calls, time, rows, blocks, temp) and per-bucket rates, to see when it changed.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({ serverId, queryid, ...windowShape }),
  example: { serverId: 1, queryid: '-6378514165468296420', last: '24h' },
  async run({ db, at, links }, i) {
    const w = windowOf(i, at);
    const h = await getQueryHistory({
      db,
      input: { serverId: i.serverId, queryid: i.queryid, ...w },
    });
    return {
      summary: `${h.totals.calls} calls, ${Math.round(h.totals.totalTimeMs)} ms in total${
        h.totals.meanTimeMs != null ? `, ${h.totals.meanTimeMs.toFixed(2)} ms mean` : ''
      }.`,
      data: { ...h, from: w.from, to: w.to },
      links: [{ label: 'Statement', url: links.query(i.serverId, i.queryid, w) }],
    };
  },
});
