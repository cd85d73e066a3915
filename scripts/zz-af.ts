import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { createDb, migrate } from '@pgvigil/db';
import { startEmbedded } from '@pgvigil/db/embedded';
import { syncCatalog } from '@pgvigil/alerting';
import { templateRows, seed } from '/work/wt/scale/scripts/bench/alerter-fleet';
import { loadCycle } from '/work/wt/scale/apps/alerter/src/cycle/load';
import { planCycle } from '@pgvigil/alerting';

const dir = '/tmp/scale-af-data';
const fresh = !existsSync(dir);
await mkdir(dir, { recursive: true, mode: 0o755 });
const server = await startEmbedded({
  dataDir: `${dir}/data`,
  major: 18,
  superuserPassword: 'bench',
  settings: {},
});
const db = createDb({
  url: server.url('store'),
  applicationName: 'scratch',
  max: 4,
  statementTimeoutMs: 1_800_000,
});
try {
  if (fresh) {
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE store');
    await admin.end();
    await migrate(db);
    await syncCatalog(db);
    console.log('seeded in', await seed(db, await templateRows((n) => server.url(n))));
  }
  const at = new Date(Number(process.env.AT ?? Date.now()));
  const orig = db.query.bind(db);
  (db as { query: typeof db.query }).query = (async (text: string, values?: unknown[]) => {
    const t = performance.now();
    const r = await orig(text, values);
    const ms = performance.now() - t;
    if (ms > 1500)
      console.log(Math.round(ms), 'ms', r.length, 'rows:', text.replace(/\s+/g, ' ').slice(0, 140));
    return r;
  }) as typeof db.query;
  const historyCache = new Map();
  for (const trends of [true, true, false]) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const input = await loadCycle(db, at, {
      baseUrl: 'x',
      reminderSeconds: 0,
      includeTrends: trends,
      log: console.log,
      historyCache,
    });
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const plan = planCycle(input);
    const c2 = process.cpuUsage(c0);
    console.log({
      trends,
      load: Math.round(t1 - t0),
      plan: Math.round(performance.now() - t1),
      evaluated: plan.evaluated,
      changes: plan.changes.length,
      loadCpu: Math.round((c1.user + c1.system) / 1000),
      planCpu: Math.round((c2.user + c2.system - c1.user - c1.system) / 1000),
    });
  }
} finally {
  await db.close();
  await server.stop();
}
