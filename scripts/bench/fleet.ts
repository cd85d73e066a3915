// Fleet: one collector watching 10 servers x 10 databases (100 monitored databases)
// at default intervals for BENCH_FLEET_SECONDS (default 300): collector CPU as % of one
// core, peak RSS, p99 schedule lateness, rows written. The 10 "servers" are 10 registry
// entries on one PostgreSQL (each with its own sessions), so the datastore and the
// monitored server share this machine with the collector: the figures are upper bounds.
//   npx tsx scripts/bench/fleet.ts
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, createSecretBox, migrate } from '@pgvigil/db';
import { createServer } from '@pgvigil/db/registry';
import { Collector } from '@pgvigil/collector/collector';
import { benchServer, fmt } from './lib';

const SECONDS = Number(process.env.BENCH_FLEET_SECONDS ?? 300);
const SERVERS = 10;
const DATABASES = 10;

export async function benchFleet(): Promise<Record<string, number>> {
  const { server, done } = await benchServer('fleet', {
    shared_preload_libraries: 'pg_stat_statements',
    max_connections: 200,
  });
  const admin = new pg.Client({ connectionString: server.url() });
  admin.on('error', () => undefined);
  await admin.connect();
  const db = createDb({ url: server.url('postgres'), applicationName: 'pgvigil-bench', max: 4 });
  const box = createSecretBox(randomBytes(32));
  try {
    await admin.query('CREATE DATABASE store');
    for (let i = 1; i <= DATABASES - 1; i++) {
      await admin.query(`CREATE DATABASE app${i}`);
      const c = new pg.Client({ connectionString: server.url(`app${i}`) });
      await c.connect();
      await c.query(
        `DO $$ BEGIN FOR i IN 1..50 LOOP EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i); END LOOP; END $$`,
      );
      await c.end();
    }
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const store = createDb({ url: server.url('store'), applicationName: 'pgvigil-bench', max: 4 });
    await migrate(store);
    for (let s = 1; s <= SERVERS; s++) {
      await createServer(store, box, {
        name: `server${s}`,
        host: '127.0.0.1',
        port: server.port,
        username: 'postgres',
        password: 'bench',
        sslmode: 'disable',
      });
    }
    const collector = new Collector({ db: store, box, collectorId: 'bench' });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(
      () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
      1000,
    );
    await collector.start();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    clearInterval(sampler);
    const info = collector.info();
    await collector.stop();
    const cpu = process.cpuUsage(cpu0);
    const wall = (performance.now() - t0) / 1000;
    const cpuPct = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
    const rows = await store.query<{ n: number }>(
      `SELECT sum(n_tup_ins)::bigint AS n FROM pg_stat_user_tables WHERE schemaname = 'metrics'`,
    );
    await store.close();
    const figures = {
      cpuPct,
      peakRssMb: peakRss / 1e6,
      latenessP99Ms: Number(info.scheduleLatenessP99Ms),
      firstRunLatenessP99Ms: Number(info.firstRunLatenessP99Ms),
      probeRuns: Number(info.probeRuns),
      probeFailures: Number(info.probeFailures),
    };
    console.log(
      `fleet: ${SERVERS} servers x ${DATABASES} databases for ${SECONDS} s at default intervals`,
    );
    console.log(
      `  collector CPU ${fmt(cpuPct, 1)} % of one core (target < 25), peak RSS ${fmt(figures.peakRssMb)} MB (target < 300)`,
    );
    console.log(
      `  p99 schedule lateness ${fmt(figures.latenessP99Ms)} ms (target < 2000), first runs after start ${fmt(figures.firstRunLatenessP99Ms)} ms; ${fmt(figures.probeRuns)} probe runs, ${fmt(figures.probeFailures)} failed, ~${fmt(rows[0]?.n ?? 0)} rows inserted`,
    );
    return figures;
  } finally {
    await db.close();
    await admin.end();
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchFleet();
