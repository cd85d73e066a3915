// Alerter benchmarks.
// 1. Evaluation cost: one planCycle (overrides, lifecycle, grouping: the whole pure
//    cycle) over BENCH_INSTANCES (rule, server, object) instances, on one core,
//    against a reference pass that only derives and aggregates the same samples.
//    Target: under 1 s per cycle for 10,000 instances.
// 2. Latency from a sample landing in the datastore to the HTTP request at a local
//    webhook sink, through the real loop (evaluation every second). Target: < 5 s.
//   npx tsx scripts/bench/alerter.ts
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createDb, createSecretBox, migrate } from '@pgvigil/db';
import { createChannel, listRules, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable, writeSamples } from '@pgvigil/db/metrics';
import {
  aggregate,
  BUILTIN_BY_KEY,
  CHANNEL_SECRET_CONTEXT,
  planCycle,
  syncCatalog,
  type PlanInput,
  type Series,
} from '@pgvigil/alerting';
import { startEmbedded } from '@pgvigil/db/embedded';
import { getProbe } from '@pgvigil/probes';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function evaluationInput(at: Date): PlanInput {
  const def = BUILTIN_BY_KEY.get('dead_tuples')!;
  const servers = new Map<
    number,
    { id: number; name: string; clusterId: number | null; environment: 'production' }
  >();
  const series: Series[] = [];
  const perServer = 100;
  for (let i = 0; i < INSTANCES; i++) {
    const serverId = 1 + Math.floor(i / perServer);
    servers.set(serverId, {
      id: serverId,
      name: `pg${serverId}`,
      clusterId: 1,
      environment: 'production',
    });
    // 2 % of tables are over the line, so alerts open and messages are grouped too
    const dead = i % 50 === 0 ? 30_000 : 500;
    series.push({
      serverId,
      database: 'app',
      object: `public.t${i % perServer}`,
      rows: [0, 1, 2].map((k) => ({
        at: new Date(at.getTime() - (2 - k) * 60_000),
        values: { n_live_tup: 100_000, n_dead_tup: dead },
      })),
    });
  }
  return {
    at,
    rules: [
      {
        id: 1,
        def: { ...def, forSeconds: 0 },
        tuning: { enabled: true, warning: 10, critical: null, forSeconds: 0 },
        overrides: [
          {
            scope: 'server',
            scopeId: 7,
            scopeValue: null,
            enabled: null,
            warning: 20,
            critical: null,
            forSeconds: null,
          },
        ],
      },
    ],
    series: new Map([[def.key, series]]),
    servers,
    openAlerts: [],
    blackouts: [
      {
        window: {
          kind: 'recurring',
          cron: '0 3 * * *',
          durationMinutes: 60,
          timezone: 'Europe/Paris',
        },
        scope: 'server',
        scopeId: 3,
        database: null,
      },
    ],
    channels: [
      {
        id: 1,
        name: 'c',
        type: 'webhook',
        config: {},
        min_severity: 'warning',
        filters: {},
        enabled: true,
        created_at: at,
      },
    ],
    staleSeconds: new Map([['tables', 930]]),
    baseUrl: 'http://localhost:3000',
    reminderSeconds: 0,
  };
}

function benchEvaluation() {
  const at = new Date();
  const input = evaluationInput(at);
  const reference: number[] = [];
  const cycle: number[] = [];
  let plan = planCycle(input);
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    let sink = 0;
    for (const s of input.series.get('dead_tuples')!)
      sink +=
        aggregate('latest', BUILTIN_BY_KEY.get('dead_tuples')!.source.derive(s.rows, {})) ?? 0;
    reference.push(performance.now() - t);
    if (sink < 0) console.log(sink);
    t = performance.now();
    plan = planCycle(input);
    cycle.push(performance.now() - t);
  }
  const ms = median(cycle);
  console.log(
    `alerter evaluation: ${fmt(INSTANCES)} instances, ${plan.changes.length} alert changes, ${plan.notifications.length} grouped messages`,
  );
  console.log(
    `  full cycle (plan) ${fmt(ms, 1)} ms (median of ${RUNS}); derive+aggregate only ${fmt(median(reference), 1)} ms; ratio ${fmt(ms / median(reference), 1)}x; target 1000 ms: ${ms < 1000 ? 'met' : 'MISSED'}`,
  );
}

async function benchLatency() {
  const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-alerter-'));
  await chmod(dir, 0o755); // the postgres OS user must reach its data folder
  const server = await startEmbedded({
    dataDir: path.join(dir, 'data'),
    major: 18,
    superuserPassword: 'bench',
    settings: {},
  });
  const done = async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const url = server.url('postgres');
  const db = createDb({ url, applicationName: 'bench-alerter' });
  const received: number[] = [];
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(performance.now());
      res.end('ok');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  try {
    await migrate(db);
    await syncCatalog(db);
    const rule = (await listRules(db)).find((r) => r.key === 'long_query')!;
    await updateRule(db, { id: rule.id, forSeconds: 0, warning: 600 });
    const [s] = await db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('pg1', '127.0.0.1', 'x') RETURNING id`,
    );
    const key = randomBytes(32);
    const box = createSecretBox(key);
    const hook = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
    await createChannel(db, {
      name: 'sink',
      type: 'webhook',
      config: {},
      secretEnc: box.seal(JSON.stringify({ url: hook }), CHANNEL_SECRET_CONTEXT),
    });
    const spec = getProbe('activity_extremes')!;
    await ensureMetricTable(db, spec, new Date());
    // the real alerter process, as `npm start` runs it, evaluating every second
    const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-alerter-'));
    const alerter = spawn(process.execPath, ['--import', 'tsx', 'apps/alerter/src/main.ts'], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url,
        PGVIGIL_HOME: home,
        PGVIGIL_SECRET_KEY: key.toString('base64'),
        ALERTER_INTERVAL_SECONDS: '1',
        ALERTER_REMINDER_MINUTES: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const value = i % 2 === 0 ? 3600 : 0; // fire, clear, fire, ...
      const before = received.length;
      const t0 = performance.now();
      await writeSamples(db, [
        {
          spec,
          samples: [
            { collectedAt: new Date(), serverId: s!.id, rows: [{ longest_query_seconds: value }] },
          ],
        },
      ]);
      const end = t0 + 30_000;
      while (received.length === before && performance.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      if (received.length === before) throw new Error('no message within 30 s');
      latencies.push(received[before]! - t0);
    }
    alerter.kill('SIGTERM');
    await new Promise((r) => alerter.once('exit', r));
    await rm(home, { recursive: true, force: true });
    console.log(
      `alerter latency, sample written -> webhook request: median ${fmt(median(latencies))} ms, max ${fmt(Math.max(...latencies))} ms over ${latencies.length} transitions (evaluation every 1 s); target 5000 ms: ${Math.max(...latencies) < 5000 ? 'met' : 'MISSED'}`,
    );
  } finally {
    sink.close();
    await db.close();
    await done();
  }
}

benchEvaluation();
await benchLatency();
const { benchAlerterFleet } = await import('./alerter-fleet');
await benchAlerterFleet();
