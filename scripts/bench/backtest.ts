// Backtest: one rule (connections_used) over 100 servers and 30 days of stored history,
// as POST /api/v1/rules/{id}/backtest answers it: hourly rollups, 5-minute rollups for
// the last 2 days, raw samples every 30 s for the last 6 hours; a busy hour every day
// on every tenth server. Then an anomaly rule (anomaly_connections) over the same
// history, its baselines from the hourly rollups of the 21 days before each step.
// Reference: reading the same rows alone (the two budgeted reads the backtest makes),
// in the same run. Target: the whole backtest under 5 s.
//   npx tsx scripts/bench/backtest.ts
import { createDb, ensurePartitions, migrate } from '@pgvigil/db';
import { listRules, readRuleWindow } from '@pgvigil/db/alerting';
import { ensureMetricTable } from '@pgvigil/db/metrics';
import { backtestRule, syncCatalog } from '@pgvigil/alerting';
import { getProbe } from '@pgvigil/probes';
import { benchServer, fmt, percentiles, fmtMs } from './lib';
import { seedServers } from './dashboard-seed';

const SERVERS = 100;
const DAYS = 30;
const DAY = 86_400_000;
const RAW_MS = 6 * 3_600_000;

export async function benchBacktest(): Promise<void> {
  const { server, done } = await benchServer('backtest');
  const db = createDb({
    url: server.url('postgres'),
    applicationName: 'pgvigil-bench',
    statementTimeoutMs: 600_000,
  });
  try {
    await migrate(db);
    await syncCatalog(db);
    const servers = await seedServers(db, SERVERS);
    const at = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const from = new Date(at.getTime() - DAYS * DAY - 3 * 3_600_000);
    const spec = getProbe('activity_extremes')!;
    await ensureMetricTable(db, spec, at);
    const tables = ['activity_extremes', 'activity_extremes_5m', 'activity_extremes_1h'];
    for (let t = from.getTime() - 21 * DAY; t <= at.getTime() + DAY; t += DAY)
      for (const table of tables) await ensurePartitions(db, table, new Date(t), 0);
    // sessions out of 100 usable: 40, and 92 from 14:00 to 15:00 on every tenth server
    const pct = `CASE WHEN s % 10 = 0 AND extract(hour FROM t) = 14 THEN 92 ELSE 40 END`;
    const t0 = performance.now();
    const seed = (table: string, samples: string, since: Date, step: string) =>
      db.query(
        `INSERT INTO metrics.${table}
                (collected_at, server_id, ${samples ? 'samples, ' : ''}total_sessions, max_connections, reserved_connections)
         SELECT t, s, ${samples ? `${samples}, ` : ''}${pct}, 103, 3
           FROM unnest($1::bigint[]) s,
                generate_series($2::timestamptz, $3::timestamptz, $4::interval) t`,
        [servers, since, at, step],
      );
    // the anomaly's baselines reach 21 days before the first step
    await seed('activity_extremes_1h', '120', new Date(from.getTime() - 21 * DAY), '1 hour');
    await seed('activity_extremes_5m', '10', new Date(at.getTime() - 3 * DAY), '5 minutes');
    await seed('activity_extremes', '', new Date(at.getTime() - 7 * 3_600_000), '30 seconds');
    await db.query(`ANALYZE ${tables.map((t) => `metrics.${t}`).join(', ')}`);
    console.log(
      `  seeded ${SERVERS} servers x ${DAYS} days in ${fmt((performance.now() - t0) / 1000, 1)} s`,
    );

    const ruleId = (await listRules(db)).find((r) => r.key === 'connections_used')!.id;
    const columns = ['total_sessions', 'max_connections', 'reserved_connections'];
    const ago = (ms: number) => new Date(at.getTime() - ms);
    // the three reads the backtest makes (hourly, 5-minute, raw), alone
    const reference = await percentiles(3, async () => {
      const common = { probe: 'activity_extremes', columns, serverIds: servers, timeoutMs: 60_000 };
      await readRuleWindow(db, {
        ...common,
        level: '1h',
        from: ago(DAYS * DAY + 9_000_000),
        to: ago(2 * DAY),
      });
      await readRuleWindow(db, {
        ...common,
        level: '5m',
        from: ago(2 * DAY + 1_500_000),
        to: ago(RAW_MS),
      });
      await readRuleWindow(db, { ...common, level: 'raw', from: ago(RAW_MS + 960_000), to: at });
    });
    let episodes = 0;
    const replay = await percentiles(3, async () => {
      const r = await backtestRule({ db, ruleId, input: { days: DAYS }, at });
      episodes = r.backtest.episodeCount;
    });
    console.log(
      `  backtest of connections_used, ${SERVERS} servers x ${DAYS} days (${fmt(episodes)} episodes): ${fmtMs(replay)}; the reads alone ${fmtMs(reference)}; ratio ${fmt(replay.p50 / reference.p50, 1)}x; target 5000 ms: ${replay.p95 < 5000 ? 'met' : 'MISSED'}`,
    );
    const anomalyId = (await listRules(db)).find((r) => r.key === 'anomaly_connections')!.id;
    let anomalies = 0;
    const anomaly = await percentiles(1, async () => {
      const r = await backtestRule({ db, ruleId: anomalyId, input: { days: DAYS }, at });
      anomalies = r.backtest.episodeCount;
    });
    console.log(
      `  backtest of anomaly_connections, ${SERVERS} servers x ${DAYS} days (${fmt(anomalies)} episodes): ${fmtMs(anomaly)}; ratio to the reads ${fmt(anomaly.p50 / reference.p50, 1)}x`,
    );
    const [load] = (await import('node:os')).loadavg();
    console.log(
      `  load average ${fmt(load!, 1)} on ${(await import('node:os')).cpus().length} cores`,
    );
  } finally {
    await db.close();
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchBacktest();
