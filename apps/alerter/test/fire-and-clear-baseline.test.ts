import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { listAlerts, listRules, setOverride, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable, refreshRollup, writeSamples } from '@pgvigil/db/metrics';
import {
  freshDatabase,
  freshDatastore,
  testMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { explainPlan, getProbe, withWindowTotals } from '@pgvigil/probes';
import { syncCatalog } from '@pgvigil/alerting';
import { runCycle } from '../src/cycle/run';
import { addChannel, addServer, collect } from './fixtures';

const major = testMajors().at(-1)!;
const HOUR = 3_600_000;
// The same plan (Limit over Sort) either way: with a large work_mem the sort keeps the
// 3,000 smallest in a bounded heap in memory; with a small one the heap does not fit and
// the whole table is sorted on disk (measured here: about 85 ms against 430 ms a call).
const STATEMENT = 'SELECT sum(length(pad)) FROM (SELECT pad FROM sortme ORDER BY pad LIMIT 3000) s';
const CALLS = 6;

/** Deterministic noise, so a run can be repeated exactly. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe(`statement_vs_baseline on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let monitored: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    monitored = await freshDatabase(major, 'slow');
    client = new pg.Client({ connectionString: monitored.url });
    await client.connect();
    await client.query(`
      CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
      CREATE TABLE sortme AS SELECT g, md5(g::text) AS pad FROM generate_series(1, 200000) g;
      ANALYZE sortme;`);
  });
  afterAll(async () => {
    await client?.end();
    await monitored?.drop();
    await ds?.drop();
  });

  it('fires when a lowered work_mem makes its sort spill (same plan), clears when it is back', async () => {
    const serverId = await addServer(ds.db, 'baseline', monitored.url);
    await addChannel(ds.db, 'webhook', 'sink', { url: 'http://127.0.0.1:9/never-delivered' });
    const rule = (await listRules(ds.db)).find((r) => r.key === 'statement_vs_baseline')!;
    expect(rule.enabled).toBe(false); // opt-in (docs/performance.md: the statement rules' read)
    await updateRule(ds.db, { id: rule.id, forSeconds: 0, enabled: true });
    await setOverride(ds.db, {
      ruleId: rule.id,
      scopeType: 'server',
      scopeId: serverId,
      params: { min_calls: CALLS },
    });
    const at0 = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'test', startedAt: at0 });
    const version = Number(
      (await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`))
        .rows[0]!.v,
    );
    const fingerprint = async () => {
      const r = await explainPlan(client, STATEMENT, version);
      if (r.status !== 'ok') throw new Error(r.reason);
      return r.fingerprint;
    };
    const work = async () => {
      for (let i = 0; i < CALLS; i++) await client.query(STATEMENT);
    };
    let at = at0;
    const step = async (minutes: number) => {
      at = new Date(at.getTime() + minutes * 60_000);
      const rows = await collect(ds.db, serverId, monitored.url, 'statements', at, {
        annotate: withWindowTotals,
      });
      await runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
      return rows;
    };
    const state = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
    const mine = (rows: Record<string, unknown>[]) =>
      rows.find(
        (r) =>
          r.queryid !== null &&
          r.dbid !== null &&
          Number(r.calls) === CALLS &&
          Number(r.total_exec_time) > 0,
      );

    await client.query(`SET work_mem = '64MB'; SET max_parallel_workers_per_gather = 0`);
    const inMemory = await fingerprint();
    await client.query(STATEMENT); // warm: the calibration is not a cold read
    await step(1); // the statements probe's first run: its delta baseline
    await work();
    const calibration = mine(await step(1))!;
    const mean = Number(calibration.total_exec_time) / CALLS;

    // a day of history before at0 at the measured mean, +-25 %, one row every 10 minutes
    const spec = getProbe('statements')!;
    const from = at0.getTime() - 26 * HOUR;
    await ensureMetricTable(ds.db, spec, new Date(from));
    await ensureMetricTable(ds.db, spec, at0);
    const noise = random(7);
    const samples = [];
    for (let t = from; t < at0.getTime(); t += 600_000) {
      const ms = CALLS * mean * (0.75 + 0.5 * noise());
      samples.push({
        collectedAt: new Date(t),
        serverId,
        rows: [{ ...calibration, total_exec_time: ms, window_exec_time: ms * 1.2 }],
      });
    }
    await writeSamples(ds.db, [{ spec, samples }]);
    // the rule reads the day before its window from the hourly rollups, as the collector keeps them
    await refreshRollup(ds.db, spec, '1h', { from: new Date(from - HOUR), to: at0 });

    await work();
    await step(16);
    expect(await state()).toBe('none');

    await client.query(`SET work_mem = '64kB'`);
    expect(await fingerprint()).toBe(inMemory); // no plan change
    await work();
    const spilled = mine(await step(16))!;
    expect(Number(spilled.temp_blks_written)).toBeGreaterThan(0);
    expect(await state()).toBe('firing');
    const [alert] = await listAlerts(ds.db, { serverId, ruleId: rule.id });
    expect(alert!.value).toBeGreaterThanOrEqual(3);

    await client.query(`SET work_mem = '64MB'`);
    await work();
    await step(16);
    expect(await state()).toBe('resolved');
    console.log(
      `statement_vs_baseline: ${mean.toFixed(1)} ms per call in memory, ${(Number(spilled.total_exec_time) / CALLS).toFixed(1)} ms spilled`,
    );
  });
});
