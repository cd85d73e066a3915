import { z } from 'zod';
import type { Queryable } from '../client';
import { ident } from '../client';
import { carrySeconds, getMetricCatalog, pickColumns, type CatalogEntry } from './catalog';
import { carriedValues } from './sparse-read';
import { counterRate } from './rates';
import { seriesKeys, type MetricColumn } from '@pgvigil/schema/metric-spec';

const input = z.object({
  probe: z.string().min(1),
  serverIds: z.array(z.number().int().positive()).min(1),
  database: z.string().min(1).optional(),
  /** value columns to return; default: every non-key column */
  columns: z.array(z.string()).optional(),
  /** read as of this instant (the caller's clock) */
  at: z.date(),
  /** how far back a sample still counts as "latest"; default 3 intervals (unbounded for change-tracked) */
  maxAgeSeconds: z.number().positive().optional(),
});
export type ReadLatestInput = z.input<typeof input>;

export interface LatestRow {
  serverId: number;
  /** null for instance-scope probes */
  database: string | null;
  collectedAt: Date;
  /** key columns, e.g. { state: 'active' } or { schemaname, relname } */
  key: Record<string, unknown>;
  values: Record<string, unknown>;
  /** per-second rate of each counter column since the previous sample; null after a reset or on the first sample */
  rates: Record<string, number | null>;
}

type Raw = Record<string, unknown> & { server_id: number; collected_at: Date; rk: number };

/**
 * The most recent sample of `probe` per server (and database), one entry per row
 * of that sample, with counters also given as rates against the sample before it.
 */
export async function readLatest(db: Queryable, raw: ReadLatestInput): Promise<LatestRow[]> {
  const q = input.parse(raw);
  const entry = await getMetricCatalog(db, q.probe);
  const values = pickColumns(entry, q.columns, false);
  const keys = seriesKeys(entry);
  const ownKeys = keys.filter((k) => k !== 'database_name');
  const counters = values.filter((c) => c.counter).map((c) => c.name);
  const isDb = entry.scope === 'database';
  const maxAge =
    q.maxAgeSeconds ?? (entry.changeTracked ? 100 * 365 * 86_400 : 3 * entry.intervalSeconds + 60);
  const since = new Date(q.at.getTime() - maxAge * 1000);
  const params: unknown[] = [q.serverIds, since, q.at];
  const dbFilter = isDb && q.database ? `AND database_name = $${params.push(q.database)}` : '';
  const cols = [...new Set([...keys, ...values.map((c) => c.name)])].map(ident).join(', ');
  if (entry.sparse) return readLatestSparse(db, entry, q, params, dbFilter, cols, values, since);
  const rows = await db.query<Raw>(
    `SELECT * FROM (
       SELECT server_id, collected_at, ${cols},
              dense_rank() OVER (PARTITION BY server_id${isDb ? ', database_name' : ''}
                                 ORDER BY collected_at DESC) AS rk
         FROM metrics.${ident(entry.name)}
        WHERE server_id = ANY($1) AND collected_at > $2 AND collected_at <= $3 ${dbFilter}
     ) s WHERE rk <= 2
     ORDER BY server_id${isDb ? ', database_name' : ''}, rk`,
    params,
  );

  const seriesId = (r: Record<string, unknown>) =>
    JSON.stringify([r.server_id, ...keys.map((k) => r[k])]);
  const previous = new Map<string, Raw>();
  for (const r of rows) if (r.rk === 2) previous.set(seriesId(r), r);

  return rows
    .filter((r) => r.rk === 1)
    .map((r) => {
      const prev = previous.get(seriesId(r));
      const seconds = prev ? (r.collected_at.getTime() - prev.collected_at.getTime()) / 1000 : 0;
      return {
        serverId: r.server_id,
        database: isDb ? (r.database_name as string) : null,
        collectedAt: r.collected_at,
        key: Object.fromEntries(ownKeys.map((k) => [k, r[k]])),
        values: Object.fromEntries(values.map((c) => [c.name, r[c.name]])),
        rates: Object.fromEntries(
          counters.map((c) => [c, counterRate(prev?.[c] as number, r[c] as number, seconds)]),
        ),
      };
    });
}

/**
 * readLatest for a sparse probe: the newest run of each server (and database), and
 * every key's row as of that run: its own row when it moved then, else its last
 * stored row (no older than a keyframe), unchanged, so its counters' rates are 0.
 */
async function readLatestSparse(
  db: Queryable,
  entry: CatalogEntry,
  q: z.output<typeof input>,
  params: unknown[],
  dbFilter: string,
  cols: string,
  values: MetricColumn[],
  since: Date,
): Promise<LatestRow[]> {
  const keys = seriesKeys(entry);
  const ownKeys = keys.filter((k) => k !== 'database_name');
  const counters = values.filter((c) => c.counter).map((c) => c.name);
  const isDb = entry.scope === 'database';
  const group = `server_id${isDb ? ', database_name' : ''}`;
  const carry = carrySeconds(entry);
  params[1] = new Date(since.getTime() - carry * 1000);
  const rows = await db.query<Raw & { run: Date; kf: Date | null }>(
    `SELECT * FROM (
       SELECT server_id, collected_at, ${cols},
              row_number() OVER (PARTITION BY ${group}${ownKeys.map((k) => `, ${ident(k)}`).join('')}
                                 ORDER BY collected_at DESC) AS rk,
              max(collected_at) OVER (PARTITION BY ${group}) AS run,
              max(collected_at) FILTER (WHERE keyframe) OVER (PARTITION BY ${group}) AS kf
         FROM metrics.${ident(entry.name)}
        WHERE server_id = ANY($1) AND collected_at > $2 AND collected_at <= $3 ${dbFilter}
     ) s WHERE rk <= 2 AND run > $${params.push(since)}
     ORDER BY ${group}, rk`,
    params,
  );
  // a key stands until a keyframe (every live row stored) passes without it
  const alive = (r: (typeof rows)[number]) =>
    r.collected_at.getTime() >= (r.kf ?? new Date(r.run.getTime() - carry * 1000)).getTime();
  const seriesId = (r: Record<string, unknown>) =>
    JSON.stringify([r.server_id, ...keys.map((k) => r[k])]);
  const previous = new Map<string, Raw>();
  for (const r of rows) if (r.rk === 2) previous.set(seriesId(r), r);
  return rows
    .filter((r) => r.rk === 1 && alive(r))
    .map((r) => {
      const moved = r.collected_at.getTime() === r.run.getTime();
      const prev = previous.get(seriesId(r));
      const seconds = prev ? (r.collected_at.getTime() - prev.collected_at.getTime()) / 1000 : 0;
      const own = Object.fromEntries(values.map((c) => [c.name, r[c.name]]));
      return {
        serverId: r.server_id,
        database: isDb ? (r.database_name as string) : null,
        collectedAt: r.run,
        key: Object.fromEntries(ownKeys.map((k) => [k, r[k]])),
        values: moved
          ? own
          : carriedValues(own, values, (r.run.getTime() - r.collected_at.getTime()) / 1000),
        rates: Object.fromEntries(
          counters.map((c) => [
            c,
            moved
              ? counterRate(prev?.[c] as number, r[c] as number, seconds)
              : r[c] == null
                ? null
                : 0,
          ]),
        ),
      };
    });
}
