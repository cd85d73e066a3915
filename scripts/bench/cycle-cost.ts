// Cost on the monitored server and storage per server-day. A PostgreSQL 18 with
// 1,000 tables, 2,000 indexes and 5,000 distinct statements; in the same run:
//  - server-side execution time of every probe (pg_stat_statements, by the
//    /* pgvigil:<probe> */ marker), turned into a per-minute cost at default intervals;
//  - one scrape of Debian's prometheus-postgres-exporter with its example queries.yaml
//    (per-table and statement metrics) on the database holding the tables, measured
//    the same way, as the 60 s peer;
//  - server CPU (all server processes, /proc) of one full pgvigil cycle and of one scrape.
// Storage per server per day is scripts/bench/storage.ts, on the same fixture.
//   npx tsx scripts/bench/cycle-cost.ts
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import pg from 'pg';
import {
  explainPlan,
  loadProbeContext,
  PLAN_TOP_N,
  planRefusal,
  PROBES,
  runProbe,
} from '@pgvigil/probes';
import { benchAdvice, benchAdviceVerified } from './advice-cost';
import { benchServer, fmt, serverCpuMs } from './lib';

const EXPORTER = '/usr/bin/prometheus-postgres-exporter';
const EXPORTER_QUERIES = '/usr/share/doc/prometheus-postgres-exporter/examples/queries.yaml';

export const FIXTURE = `
DO $$
BEGIN
  FOR i IN 1..1000 LOOP
    EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, a int, b text)', i);
    EXECUTE format('CREATE INDEX ON t%s (a)', i);
    EXECUTE format('INSERT INTO t%s SELECT g, g %% 7, ''x'' FROM generate_series(1, 20) g', i);
  END LOOP;
END $$;
ANALYZE;
DO $$
DECLARE r int;
BEGIN
  FOR i IN 1..1000 LOOP
    EXECUTE format('SELECT a FROM t%s WHERE id = 1', i) INTO r;
    EXECUTE format('SELECT count(*) FROM t%s WHERE a > 2', i) INTO r;
    EXECUTE format('UPDATE t%s SET b = ''y'' WHERE id = 2', i);
    EXECUTE format('SELECT id FROM t%s ORDER BY id LIMIT 1', i) INTO r;
    EXECUTE format('SELECT max(a) FROM t%s', i) INTO r;
  END LOOP;
END $$;`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function statementMs(admin: pg.Client, filter: string): Promise<number> {
  const r = await admin.query<{ ms: number }>(
    `SELECT coalesce(sum(total_exec_time), 0)::float8 AS ms FROM pg_stat_statements
      WHERE ${filter} AND query NOT LIKE '%pg_stat_statements_reset%' AND query NOT LIKE '%bench:measure%'`,
  );
  return r.rows[0]?.ms ?? 0;
}

export async function benchCycleCost(): Promise<Record<string, number>> {
  const { server, done } = await benchServer('cycle', {
    shared_preload_libraries: 'pg_stat_statements',
    'pg_stat_statements.max': 10000,
    'pg_stat_statements.track': 'all',
  });
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  admin.on('error', () => undefined);
  await admin.connect();
  const figures: Record<string, number> = {};
  try {
    await admin.query('CREATE DATABASE app');
    await admin.query('CREATE EXTENSION pg_stat_statements');
    const app = new pg.Client({ connectionString: server.url('app') });
    app.on('error', () => undefined);
    await app.connect();
    await app.query('CREATE EXTENSION pg_stat_statements');
    await app.query(FIXTURE);
    await app.end();
    const statements = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_statements',
    );
    const postmaster = Number(
      (await readFile(`${await dataDirOf(admin)}/postmaster.pid`, 'utf8')).split('\n')[0],
    );

    // pgvigil: every probe once in each database (instance probes in postgres only).
    const sessions = await Promise.all(
      ['postgres', 'app'].map(async (name) => {
        const client = new pg.Client({
          connectionString: server.url(name),
          application_name: 'pgvigil',
        });
        await client.connect();
        const version = Number(
          (await client.query('SHOW server_version_num')).rows[0].server_version_num,
        );
        return { name, client, ctx: await loadProbeContext(client, version) };
      }),
    );
    const cycle = async () => {
      for (const s of sessions) {
        for (const p of PROBES) {
          if (p.scope === 'instance' && s.name !== 'postgres') continue;
          await runProbe(s.client, p, s.ctx);
        }
      }
    };
    await cycle(); // warm caches, as a long-running collector would be
    // the most plan capture could explain: the top N plannable statements of the app database
    const version = sessions[0]!.ctx.serverVersion;
    const top = {
      rows: (
        await admin.query<{ query: string; queryid: string }>(
          `SELECT /* bench:measure */ query, queryid::text FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'app')
            ORDER BY total_exec_time DESC`,
        )
      ).rows
        // the fixture's INSERTs have untyped generate_series($3, $4) params: no generic plan
        .filter((r) => planRefusal(r.query, version) === null && !/^INSERT/i.test(r.query))
        .slice(0, PLAN_TOP_N),
    };
    await admin.query('SELECT pg_stat_statements_reset()');
    const cpu0 = await serverCpuMs(postmaster);
    const cycles = 3;
    for (let i = 0; i < cycles; i++) await cycle();
    const cycleCpu = ((await serverCpuMs(postmaster)) - cpu0) / cycles;
    const perProbe = await admin.query<{ probe: string; ms: number }>(
      `SELECT /* bench:measure */ substring(query FROM 'pgvigil:([a-z0-9_]+)') AS probe, sum(total_exec_time)::float8 / ${cycles} AS ms
         FROM pg_stat_statements WHERE query LIKE '%pgvigil:%' GROUP BY 1`,
    );
    const byName = new Map(perProbe.rows.map((r) => [r.probe, r.ms]));
    const cycleMs = [...byName.values()].reduce((a, b) => a + b, 0);
    const perMinute = PROBES.reduce(
      (sum, p) => sum + (byName.get(p.name) ?? 0) * (60 / p.intervalSeconds),
      0,
    );

    // Plan capture: the top N explained (never ANALYZE) on the app session, which the
    // collector does at most once an hour per statement: a sixtieth of it per minute.
    const appSession = sessions.find((s) => s.name === 'app')!;
    const planCpu0 = await serverCpuMs(postmaster);
    const planStart = performance.now();
    let planned = 0;
    const reasons = new Map<string, number>();
    for (const { query } of top.rows) {
      const r = await explainPlan(appSession.client, query, appSession.ctx.serverVersion);
      if (r.status === 'ok') planned++;
      else reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    }
    if (reasons.size) console.log('  plans skipped:', Object.fromEntries(reasons));
    const planWallMs = performance.now() - planStart;
    const planCpu = (await serverCpuMs(postmaster)) - planCpu0;
    const planPerMinute = planWallMs / 60;

    // The exporter, measured the same way.
    let scrapeMs = NaN;
    let scrapeCpu = NaN;
    let series = NaN;
    if (existsSync(EXPORTER)) {
      // pg_process_idle from the example file reports duplicate series on 18 and fails
      // the whole scrape; the rest (per-table, statio, statements) is kept.
      const example = await readFile(EXPORTER_QUERIES, 'utf8');
      const queries = path.join(tmpdir(), `pgvigil-bench-queries-${process.pid}.yaml`);
      await writeFile(queries, example.slice(0, example.indexOf('\npg_process_idle:') + 1));
      const port = await freePort();
      const exporter = spawn(
        EXPORTER,
        [
          `--web.listen-address=127.0.0.1:${port}`,
          `--extend.query-path=${queries}`,
          '--auto-discover-databases',
        ],
        {
          env: { DATA_SOURCE_NAME: `${server.url('app')}?sslmode=disable` },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      try {
        const scrape = async () => {
          for (let i = 0; i < 50; i++) {
            const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
            if (res?.ok) return res.text();
            if (res)
              throw new Error(
                `exporter answered ${res.status}: ${(await res.text()).slice(0, 300)}`,
              );
            await new Promise((r) => setTimeout(r, 200));
          }
          throw new Error('exporter did not answer');
        };
        await scrape();
        await admin.query('SELECT pg_stat_statements_reset()');
        const c0 = await serverCpuMs(postmaster);
        let body = '';
        for (let i = 0; i < cycles; i++) body = await scrape();
        scrapeCpu = ((await serverCpuMs(postmaster)) - c0) / cycles;
        scrapeMs = (await statementMs(admin, 'true')) / cycles;
        series = body.split('\n').filter((l) => l && !l.startsWith('#')).length;
      } finally {
        exporter.kill('SIGTERM');
        await rm(queries, { force: true });
      }
    }

    // The index advisor after plan capture, on the same session: at most once an hour per
    // statement too, so a sixtieth of a pass per minute (round trips as an upper bound).
    const advice = await benchAdvice(
      appSession.client,
      postmaster,
      top.rows.map((r) => ({ queryid: r.queryid, text: r.query })),
    );
    const advicePerMinute = advice.wallMs / 60;
    for (const s of sessions) await s.client.end();
    const verified = await benchAdviceVerified();

    Object.assign(figures, {
      cycleMs,
      perMinute,
      scrapeMs,
      scrapeCpu,
      cycleCpu,
      series,
      planWallMs,
      planCpu,
      planPerMinute,
      adviceWallMs: advice.wallMs,
      adviceCpu: advice.cpuMs,
      advicePerMinute,
      ...(verified
        ? { verifiedAdviceWallMs: verified.wallMs, verifiedAdviceCpu: verified.cpuMs }
        : {}),
    });
    console.log(
      `cycle cost: PostgreSQL 18, 1,000 tables, 2,000 indexes, ${fmt(statements.rows[0]?.n ?? 0)} statements in pg_stat_statements`,
    );
    console.log(
      `  pgvigil full cycle (${PROBES.length} probes, 2 databases): ${fmt(cycleMs, 1)} ms server execution, ${fmt(cycleCpu)} ms server CPU`,
    );
    console.log(
      `  pgvigil per minute at default intervals:          ${fmt(perMinute, 1)} ms server execution`,
    );
    console.log(
      `  plan capture, top ${top.rows.length} statements (${planned} planned), hourly: ${fmt(planWallMs, 1)} ms round trips, ${fmt(planCpu)} ms server CPU; ${fmt(planPerMinute, 2)} ms per minute`,
    );
    console.log(
      `  index advisor, top ${advice.statements} statements (${advice.candidates} candidates, no hypopg on 18), hourly: ${fmt(advice.wallMs, 1)} ms round trips, ${fmt(advice.cpuMs)} ms server CPU; ${fmt(advicePerMinute, 2)} ms per minute`,
    );
    if (verified) {
      console.log(
        `  index advisor with hypopg and pg_qualstats (Debian PostgreSQL 15, ${verified.statements} statements, ${verified.verified} of ${verified.candidates} candidates proven): ${fmt(verified.wallMs, 1)} ms round trips, ${fmt(verified.cpuMs)} ms server CPU; ${fmt(verified.wallMs / 60, 2)} ms per minute`,
      );
    }
    if (Number.isFinite(scrapeMs)) {
      console.log(
        `  postgres_exporter one scrape (${fmt(series)} series):   ${fmt(scrapeMs, 1)} ms server execution, ${fmt(scrapeCpu)} ms server CPU`,
      );
      console.log(
        `  ratio pgvigil per minute / exporter per 60 s scrape: ${fmt(perMinute / scrapeMs, 2)} (target <= 1)`,
      );
      console.log(
        `  ratio with plan capture (round trips as an upper bound): ${fmt((perMinute + planPerMinute) / scrapeMs, 2)} (target <= 1)`,
      );
      const adviceMinute = Math.max(advicePerMinute, (verified?.wallMs ?? 0) / 60);
      console.log(
        `  ratio with plan capture and the index advisor (the costlier pass): ${fmt((perMinute + planPerMinute + adviceMinute) / scrapeMs, 2)} (target <= 1)`,
      );
    } else {
      console.log(
        `  ${EXPORTER} not installed: apt-get install prometheus-postgres-exporter for the comparison`,
      );
    }
    return figures;
  } catch (err) {
    console.error('cycle cost benchmark failed:', err);
    throw err;
  } finally {
    await admin.end();
    await done();
  }
}

async function dataDirOf(client: pg.Client): Promise<string> {
  return (await client.query('SHOW data_directory')).rows[0].data_directory as string;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCycleCost();
