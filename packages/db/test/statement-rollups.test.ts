import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMetricTable, refreshRollup, writeSamples } from '@pgvigil/db/metrics';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import {
  diffSnapshot,
  getProbe,
  loadProbeContext,
  runProbe,
  withWindowTotals,
  type DeltaSnapshot,
} from '@pgvigil/probes';
import { rollupTable, type RollupLevel } from '@pgvigil/schema/metric-spec';

const major = testMajors().at(-1)!;
// a few statements over two hours, so the cap folds some into "(others)" every run
const spec = { ...getProbe('statements')!, deltaTopN: 4 };
const SUMMED = ['calls', 'rows', 'shared_blks_hit', 'temp_blks_written', 'total_exec_time'];
const t0 = new Date('2026-03-10T09:50:00Z');

/** The raw rows summed per bucket and key, as the rollup should hold them. */
const rawSums = (level: RollupLevel) => `
  WITH b AS (
    SELECT date_bin('${level === '5m' ? '5 minutes' : '1 hour'}', collected_at, TIMESTAMPTZ '2000-01-01') AS bucket, *
      FROM metrics.statements WHERE server_id = $1
  ), runs AS (
    SELECT bucket, sum(interval_seconds) AS seconds, sum(window_exec_time) AS server_ms
      FROM (SELECT DISTINCT bucket, collected_at, interval_seconds, window_exec_time FROM b) r
     GROUP BY bucket
  )
  SELECT b.bucket, queryid::text, userid, dbid, toplevel, count(*)::int AS samples,
         ${SUMMED.map((c) => `sum(${c})::float8 AS ${c}`).join(', ')},
         (sum(total_exec_time) / nullif(sum(calls), 0))::float8 AS mean_ms,
         min(runs.seconds)::float8 AS interval_seconds, min(runs.server_ms)::float8 AS window_exec_time
    FROM b JOIN runs USING (bucket)
   GROUP BY b.bucket, queryid, userid, dbid, toplevel
   ORDER BY 1, 2, 3, 4, 5`;

describe(`statement rollups on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let monitored: TestDatabase;
  let client: pg.Client;
  let serverId: number;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    monitored = await freshDatabase(major, 'rollup');
    client = new pg.Client({ connectionString: monitored.url });
    await client.connect();
    await client.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
      CREATE TABLE w AS SELECT g, md5(g::text) AS pad FROM generate_series(1, 5000) g;
      DROP ROLE IF EXISTS rollup_reader; CREATE ROLE rollup_reader;
      GRANT SELECT ON w TO rollup_reader;`);
    const [s] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('db', '127.0.0.1', 'x') RETURNING id`,
    );
    serverId = s!.id;
    await ensureMetricTable(ds.db, spec, t0);
  });
  afterAll(async () => {
    await client?.end();
    await monitored?.drop();
    await ds?.drop();
  });

  it('holds the raw sums of real pg_stat_statements runs per 5 minutes and hour', async () => {
    const version = Number(
      (await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`))
        .rows[0]!.v,
    );
    const ctx = await loadProbeContext(client, version);
    let snapshot: DeltaSnapshot | undefined;
    // 25 runs 5 minutes apart from 09:50 (two hours, three hourly buckets), one missed run
    for (let i = 0; i <= 25; i++) {
      if (i === 7) continue; // a collector gap: the next run's deltas cover 10 minutes
      const at = new Date(t0.getTime() + i * 300_000);
      // a varying workload, under two roles (userid is part of the key)
      for (let k = 0; k < 1 + (i % 4); k++) {
        await client.query('SELECT count(*) FROM w WHERE g < $1', [k * 100 + i]);
        await client.query('SELECT max(pad) FROM w WHERE g % $1 = 0', [3 + k]);
      }
      await client.query('SET ROLE rollup_reader');
      for (let k = 0; k < i % 3; k++) await client.query('SELECT min(pad) FROM w');
      await client.query('RESET ROLE');
      const r = await runProbe(client, spec, ctx);
      if (r.status !== 'ok') throw new Error(r.reason);
      const diff = diffSnapshot(spec, snapshot, r.rows, at);
      snapshot = diff.snapshot;
      if (diff.rows.length)
        await writeSamples(ds.db, [
          {
            spec,
            samples: [{ collectedAt: at, serverId, rows: withWindowTotals(diff.rows) }],
          },
        ]);
    }
    const window = { from: new Date('2026-03-10T09:00:00Z'), to: new Date('2026-03-10T12:00:00Z') };
    for (const level of ['5m', '1h'] as const) {
      await refreshRollup(ds.db, spec, level, window);
      const rolled = await ds.db.query<Record<string, unknown>>(
        `SELECT collected_at AS bucket, queryid::text, userid, dbid, toplevel, samples,
                ${SUMMED.join(', ')}, total_exec_time / nullif(calls, 0) AS mean_ms,
                interval_seconds, window_exec_time
           FROM metrics.${rollupTable('statements', level)} WHERE server_id = $1
          ORDER BY 1, 2, 3, 4, 5`,
        [serverId],
      );
      const raw = await ds.db.query<Record<string, unknown>>(rawSums(level), [serverId]);
      expect(rolled.length).toBe(raw.length);
      // the workload's statements, the cap row, two roles, and more than one row a bucket
      expect(raw.some((r) => r.queryid === null)).toBe(true);
      expect(new Set(raw.map((r) => r.userid)).size).toBeGreaterThan(1);
      if (level === '1h') expect(new Set(raw.map((r) => String(r.bucket))).size).toBe(3);
      rolled.forEach((r, i) => {
        const w = raw[i]!;
        for (const k of ['bucket', 'queryid', 'userid', 'dbid', 'toplevel', 'samples'])
          expect(r[k], k).toEqual(w[k]);
        for (const k of [...SUMMED, 'mean_ms', 'interval_seconds', 'window_exec_time']) {
          if (w[k] === null) expect(r[k], k).toBeNull();
          else expect(Number(r[k]), k).toBeCloseTo(Number(w[k]), 6);
        }
      });
    }
    // an hour's bucket covers its runs' time, however many runs of it a statement was in
    const [hour] = await ds.db.query<{ s: number }>(
      `SELECT max(interval_seconds)::float8 AS s FROM metrics.statements_1h
        WHERE server_id = $1 AND collected_at = '2026-03-10T10:00:00Z'`,
      [serverId],
    );
    expect(hour!.s).toBe(3600);
  });
});
