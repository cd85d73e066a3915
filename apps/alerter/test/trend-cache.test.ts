import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions, ident, recordHeartbeat } from '@pgvigil/db';
import { ensureMetricTable, rollupTable, writeSamples } from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { getProbe } from '@pgvigil/probes';
import { syncCatalog, type PlanInput } from '@pgvigil/alerting';
import { loadCycle, newTrendCaches, type LoadOptions } from '../src/cycle/load';

/**
 * The alerter keeps what its trends rules read between cycles (weeks of hourly rollups
 * for the anomaly baselines, days of buckets for the forecasts) and reads only what
 * may have changed since. Each cycle here is loaded twice, with the caches of the
 * cycles before and afresh, and must see the same series, history included.
 */
const major = testMajors()[testMajors().length - 1]!;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// a few minutes past an hour, so 10 minutes later is the same hour
const t0 = new Date(Math.floor(Date.now() / HOUR) * HOUR - 2 * DAY + 7 * 60_000);

describe('the trends caches', () => {
  let ds: TestDatastore;
  const servers: number[] = [];
  const opts = (caches?: LoadOptions['caches']): LoadOptions => ({
    baseUrl: 'http://x',
    reminderSeconds: 0,
    includeTrends: true,
    ...(caches ? { caches } : {}),
  });
  /** where two series lists first differ: a readable failure */
  const firstDiff = (a: string, b: string) => {
    const walk = (x: unknown, y: unknown, path: string): string | null => {
      if (JSON.stringify(x) === JSON.stringify(y)) return null;
      if (x && y && typeof x === 'object' && typeof y === 'object') {
        const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
        for (const k of keys) {
          const d = walk(
            (x as Record<string, unknown>)[k],
            (y as Record<string, unknown>)[k],
            `${path}.${k}`,
          );
          if (d) return d;
        }
      }
      return `${path}: ${JSON.stringify(x)?.slice(0, 300)} vs ${JSON.stringify(y)?.slice(0, 300)}`;
    };
    return walk(JSON.parse(a), JSON.parse(b), '');
  };
  const trends = (input: PlanInput) =>
    JSON.stringify(
      input.rules
        .filter((r) => r.def.kind === 'forecast' || r.def.kind === 'anomaly')
        .map((r) => [
          r.def.key,
          // in the order of their objects: rows of equal times come in either order
          [...(input.series.get(r.def.key) ?? [])].sort((a, b) =>
            JSON.stringify([a.serverId, a.database, a.object]).localeCompare(
              JSON.stringify([b.serverId, b.database, b.object]),
            ),
          ),
        ]),
      // averages summed in another order differ in the last bits
      (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v),
    );

  /** wraparound every 5 minutes in (from, to], a few percent a day */
  async function wraparound(from: number, to: number) {
    const probe = getProbe('wraparound')!;
    const samples = [];
    for (let t = from + 300_000; t <= to; t += 300_000)
      for (const serverId of servers)
        samples.push({
          collectedAt: new Date(t),
          serverId,
          rows: ['app', 'postgres'].map((datname, i) => ({
            datname,
            xid_age: Math.round(t / 1000) % 1_000_000,
            mxid_age: 5,
            xid_wraparound_pct: 10 + (t - from) / DAY + i + serverId,
            xid_emergency_pct: 20 + (t - from) / DAY,
            mxid_wraparound_pct: 1,
            mxid_emergency_pct: 1,
          })),
        });
    await writeSamples(ds.db, [{ spec: probe, samples }]);
  }

  /** database_stats every minute in (from, to]: what the anomaly rules judge */
  async function stats(from: number, to: number) {
    const samples = [];
    for (let t = from + 60_000; t <= to; t += 60_000)
      for (const serverId of servers) {
        const n = Math.round(t / 60_000);
        samples.push({
          collectedAt: new Date(t),
          serverId,
          rows: [
            {
              datname: 'app',
              xact_commit: 100 * n,
              xact_rollback: n,
              blks_hit: 1000 * n,
              blks_read: 10 * n,
              temp_bytes: 0,
              active_time: 50 * n,
              deadlocks: 0,
              checksum_failures: 0,
            },
          ],
        });
      }
    await writeSamples(ds.db, [{ spec: getProbe('database_stats')!, samples }]);
  }

  /** hourly database_stats rollups for buckets starting in [from, to), values by the hour */
  async function rollups(from: number, to: number, shift = 0) {
    const table = rollupTable('database_stats', '1h');
    const cols = await ds.db.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
      [`metrics.${table}`],
    );
    const expr = (c: { name: string; type: string }) =>
      c.name === 'server_id'
        ? 's'
        : c.name === 'collected_at'
          ? 't'
          : c.type === 'text'
            ? `'app'`
            : c.type === 'boolean'
              ? 'false'
              : c.type.startsWith('timestamp')
                ? 't'
                : `(extract(hour FROM t) + s + ${shift})::${c.type}`;
    await ds.db.query(
      `DELETE FROM metrics.${ident(table)} WHERE collected_at >= $1 AND collected_at < $2`,
      [new Date(from), new Date(to)],
    );
    await ds.db.query(
      `INSERT INTO metrics.${ident(table)} (${cols.map((c) => ident(c.name)).join(', ')})
       SELECT ${cols.map(expr).join(', ')}
         FROM unnest($1::bigint[]) s,
              generate_series($2::timestamptz, $3::timestamptz - interval '1 hour', interval '1 hour') t`,
      [servers, new Date(from), new Date(to)],
    );
  }

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    for (const name of ['a', 'b']) {
      const [row] = await ds.db.query<{ id: number }>(
        `INSERT INTO servers (name, host, username) VALUES ($1, '127.0.0.1', 'x') RETURNING id`,
        [name],
      );
      servers.push(row!.id);
    }
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'test', startedAt: t0 });
    for (const name of ['wraparound', 'database_stats'])
      await ensureMetricTable(ds.db, getProbe(name)!, t0);
    for (let d = -23; d <= 1; d++) {
      const day = new Date(t0.getTime() + d * DAY);
      await ensurePartitions(ds.db, 'wraparound', day);
      await ensurePartitions(ds.db, rollupTable('database_stats', '1h'), day);
    }
    await wraparound(t0.getTime() - 8 * DAY, t0.getTime());
    await stats(t0.getTime() - 2 * HOUR, t0.getTime());
    const hour0 = Math.floor(t0.getTime() / HOUR) * HOUR;
    await rollups(hour0 - 22 * DAY, hour0);
  });

  afterAll(async () => {
    await ds?.drop();
  });

  it('reads only what changed, and sees what a fresh read sees', async () => {
    const caches = newTrendCaches();
    const first = await loadCycle(ds.db, t0, opts(caches));
    expect(first.failedRules).toEqual([]);
    expect(firstDiff(trends(first), trends(await loadCycle(ds.db, t0, opts())))).toBe(null);
    const forecast = first.series.get('xid_wraparound_forecast')!;
    expect(forecast.length).toBe(servers.length * 2);
    const anomaly = first.rules.find(
      (r) => r.def.kind === 'anomaly' && r.def.source.probe === 'database_stats',
    )!;
    expect(first.series.get(anomaly.def.key)!.some((s) => (s.history?.length ?? 0) > 400)).toBe(
      true,
    );

    // ten minutes later, the same hour: new raw samples, the baselines as they were
    const t1 = new Date(t0.getTime() + 10 * 60_000);
    await wraparound(t0.getTime(), t1.getTime());
    await stats(t0.getTime(), t1.getTime());
    const second = await loadCycle(ds.db, t1, opts(caches));
    expect(firstDiff(trends(second), trends(await loadCycle(ds.db, t1, opts())))).toBe(null);
    expect(trends(second)).not.toBe(trends(first));

    // three hours on: the buckets that ended are new, the two before the first cycle's
    // hour were refreshed late, and the forecast's window has moved past a bucket boundary
    const t2 = new Date(t0.getTime() + 3 * HOUR);
    await wraparound(t1.getTime(), t2.getTime());
    await stats(t1.getTime(), t2.getTime());
    const hour2 = Math.floor(t2.getTime() / HOUR) * HOUR;
    const hour0 = Math.floor(t0.getTime() / HOUR) * HOUR;
    await rollups(hour0 - 2 * HOUR, hour0, 5);
    await rollups(hour0, hour2);
    const third = await loadCycle(ds.db, t2, opts(caches));
    expect(third.failedRules).toEqual([]);
    expect(firstDiff(trends(third), trends(await loadCycle(ds.db, t2, opts())))).toBe(null);
  });
});
