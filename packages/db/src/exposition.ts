// What pgvigil exposes to a Prometheus scrape (apps/web renders it): its own health
// from the datastore, and the latest value of every numeric probe column.
import type { Db, Queryable } from './client';
import type { Heartbeat } from './heartbeats';
import { listHeartbeats } from './heartbeats';
import { listMetricCatalog } from './metrics/catalog';
import { readLatest } from './metrics/read-latest';
import { isNumeric, seriesKeys } from '@pgvigil/schema/metric-spec';

export interface SelfFacts {
  datastore: { up: boolean; latencyMs: number | null };
  heartbeats: Heartbeat[];
  servers: { state: string; count: number }[];
  outbox: { status: string; count: number }[];
  /** open alerts (every state but resolved and ok) */
  alerts: { state: string; severity: string; count: number }[];
}

/** pgvigil's own health as numbers; a datastore that does not answer is `up: false`. */
export async function readSelfFacts(db: Db): Promise<SelfFacts> {
  const started = performance.now();
  try {
    await db.query('SELECT 1');
    const latencyMs = performance.now() - started;
    const [heartbeats, servers, outbox, alerts] = await Promise.all([
      listHeartbeats(db),
      db.query<{ state: string; count: number }>(
        `SELECT coalesce(st.state, 'unknown') AS state, count(*)::int AS count
           FROM servers s LEFT JOIN server_status st ON st.server_id = s.id
          GROUP BY 1 ORDER BY 1`,
      ),
      db.query<{ status: string; count: number }>(
        'SELECT status, count(*)::int AS count FROM notification_outbox GROUP BY 1 ORDER BY 1',
      ),
      db.query<{ state: string; severity: string; count: number }>(
        `SELECT state, coalesce(severity, 'none') AS severity, count(*)::int AS count
           FROM alerts WHERE state NOT IN ('resolved', 'ok') GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
    ]);
    return { datastore: { up: true, latencyMs }, heartbeats, servers, outbox, alerts };
  } catch {
    return {
      datastore: { up: false, latencyMs: null },
      heartbeats: [],
      servers: [],
      outbox: [],
      alerts: [],
    };
  }
}

export interface ProbeSeries {
  probe: string;
  column: string;
  counter: boolean;
  unit: string | null;
  description: string | null;
  /** server (its name), server_id, database where the probe has one, and the key columns */
  labels: Record<string, string>;
  value: number;
}

export interface LatestSeries {
  series: ProbeSeries[];
  /** series not returned because `maxSeries` was reached */
  dropped: number;
}

const numberOf = (v: unknown): number | null => {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};

/**
 * The latest sample of every numeric column of every probe, for every server, as
 * labelled series; at most `maxSeries`, the rest counted in `dropped`. Change-tracked
 * probes (settings, schema) are left out: they describe, they do not measure.
 */
export async function readLatestSeries(
  db: Queryable,
  at: Date,
  maxSeries: number,
): Promise<LatestSeries> {
  const servers = await db.query<{ id: number; name: string }>(
    'SELECT id::int AS id, name FROM servers ORDER BY id',
  );
  const out: LatestSeries = { series: [], dropped: 0 };
  if (servers.length === 0) return out;
  const names = new Map(servers.map((s) => [s.id, s.name]));
  const catalog = (await listMetricCatalog(db)).filter((e) => !e.changeTracked);
  for (const entry of catalog) {
    const keys = new Set(seriesKeys(entry));
    const columns = entry.columns.filter(
      (c) => !keys.has(c.name) && (isNumeric(c) || c.type === 'boolean'),
    );
    if (columns.length === 0) continue;
    const rows = await readLatest(db, {
      probe: entry.name,
      serverIds: servers.map((s) => s.id),
      columns: columns.map((c) => c.name),
      at,
    });
    for (const row of rows) {
      const labels: Record<string, string> = {
        server: names.get(row.serverId) ?? String(row.serverId),
        server_id: String(row.serverId),
      };
      if (row.database !== null) labels.database = row.database;
      for (const [k, v] of Object.entries(row.key)) {
        labels[k in labels ? `key_${k}` : k] = v === null || v === undefined ? '' : String(v);
      }
      for (const c of columns) {
        const value = numberOf(row.values[c.name]);
        if (value === null) continue;
        if (out.series.length >= maxSeries) {
          out.dropped += 1;
          continue;
        }
        out.series.push({
          probe: entry.name,
          column: c.name,
          counter: c.counter === true,
          unit: c.unit ?? null,
          description: c.description ?? null,
          labels,
          value,
        });
      }
    }
  }
  return out;
}
