import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions } from '@pgvigil/db';
import { listRules, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable } from '@pgvigil/db/metrics';
import { freshDatastore, serverUrl, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { backtestRule, syncCatalog, trendBucketSeconds } from '@pgvigil/alerting';
import { getProbe } from '@pgvigil/probes';
import { runCycle } from '../src/cycle/run';
import { addChannel, addServer } from './fixtures';

const major = testMajors()[testMajors().length - 1]!;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A backtest's episode in the shape of the alert the live loop stored for it. */
const asAlert = (e: { start: Date; end: Date | null; severity: string }) => ({
  fired_at: e.start,
  resolved_at: e.end,
  severity: e.severity,
});

/**
 * The backtest of anomaly and forecast rules against the live loop: seeded history,
 * one cycle of the real loop per evaluation the replay makes over the stretch where
 * something happens, then one backtest; the replay must answer the episodes the loop
 * produced. Each rule is enabled alone while its cycles run.
 */
describe(`backtest of anomaly and forecast rules on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let server = 0;
  const rules = new Map<string, number>();
  const end = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
  const cycle = (at: Date) =>
    runCycle(ds.db, at, {
      baseUrl: 'http://pgvigil.test',
      reminderSeconds: 0,
      includeTrends: true,
    });
  /** the loop's alerts, each with the highest severity it reached (an episode's) */
  const alerts = (key: string) =>
    ds.db.query<{ fired_at: Date; resolved_at: Date | null; severity: string }>(
      `SELECT fired_at, resolved_at,
              CASE WHEN EXISTS (SELECT 1 FROM alert_events e
                                 WHERE e.alert_id = a.id AND e.severity = 'critical')
                     OR EXISTS (SELECT 1 FROM notification_outbox o
                                 WHERE o.alert_id = a.id AND o.kind = 'escalated')
                   THEN 'critical' ELSE severity END AS severity
         FROM alerts a
        WHERE rule_id = $1 AND fired_at IS NOT NULL ORDER BY fired_at`,
      [rules.get(key)],
    );
  const enableOnly = async (key: string) => {
    for (const [k, id] of rules) await updateRule(ds.db, { id, enabled: k === key });
  };

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    const keep = ['anomaly_connections', 'xid_wraparound_forecast'];
    await ds.db.query(`DELETE FROM rules WHERE key <> ALL($1)`, [keep]);
    for (const r of await listRules(ds.db)) rules.set(r.key, r.id);
    server = await addServer(ds.db, 'bt-trends', serverUrl(major));
    await addChannel(ds.db, 'webhook', 'hook', { url: 'http://127.0.0.1:9/hook' });
    // wraparound keeps no rollups
    const tables = { activity_extremes: ['', '_5m', '_1h'], wraparound: [''] };
    for (const [probe, suffixes] of Object.entries(tables)) {
      await ensureMetricTable(ds.db, getProbe(probe)!, end);
      for (let t = end.getTime() - 16 * DAY; t <= end.getTime(); t += DAY)
        for (const suffix of suffixes)
          await ensurePartitions(ds.db, `${probe}${suffix}`, new Date(t), 0);
    }
  });
  afterAll(() => ds?.drop());

  it('an anomaly: the injected spike is the one episode, as the loop fired it', async () => {
    await enableOnly('anomaly_connections');
    const id = rules.get('anomaly_connections')!;
    // `for` of 5 minutes rather than 15: the same lifecycle in fewer cycles
    await updateRule(ds.db, { id, forSeconds: 300 });
    // sessions follow the day (25 +- 10) with a little noise; 30 more for 10 minutes
    // near the end: not a level a threshold would notice, but far off its hour
    const spike = { from: end.getTime() - 24 * MINUTE, to: end.getTime() - 14 * MINUTE };
    const seed = (table: string, stepSeconds: number, since: number, extra = '0') =>
      ds.db.query(
        `INSERT INTO metrics.${table} (collected_at, server_id, total_sessions, max_connections, reserved_connections${stepSeconds > 60 ? ', samples' : ''})
         SELECT t, $1, round(25 + 10 * sin(2 * pi() * (extract(epoch FROM t) + $2 / 2) / 86400)
                         + (floor(extract(epoch FROM t) / $2)::bigint * 7919 % 5) - 2 + ${extra}),
                103, 3${stepSeconds > 60 ? ', 5' : ''}
           FROM generate_series($3::timestamptz, $4::timestamptz, make_interval(secs => $2)) t`,
        [server, stepSeconds, new Date(since), end],
      );
    await seed('activity_extremes_1h', 3600, end.getTime() - 15 * DAY - (end.getTime() % HOUR));
    await seed('activity_extremes_5m', 300, end.getTime() - 3 * DAY - (end.getTime() % HOUR));
    await seed(
      'activity_extremes',
      60,
      end.getTime() - 7 * HOUR,
      `CASE WHEN t >= '${new Date(spike.from).toISOString()}' AND t < '${new Date(spike.to).toISOString()}' THEN 30 ELSE 0 END`,
    );
    for (let t = spike.from - 2 * MINUTE; t <= end.getTime(); t += MINUTE) await cycle(new Date(t));

    const live = await alerts('anomaly_connections');
    const { backtest } = await backtestRule({ db: ds.db, ruleId: id, input: { days: 3 }, at: end });
    // three days: hourly, 5-minute and raw stretches, the daily swing never an anomaly
    expect(backtest.instances).toBe(1);
    expect(backtest.episodes).toHaveLength(1);
    const [episode] = backtest.episodes;
    expect(episode!.start.getTime()).toBeGreaterThan(spike.from);
    expect(episode!.end!.getTime()).toBeGreaterThan(spike.to);
    expect(episode!.peak).toBeGreaterThan(3);
    expect(backtest.episodes.map(asAlert)).toEqual(live);
  });

  it('a forecast: the rise of XID age is the one episode, as the loop fired it', async () => {
    await enableOnly('xid_wraparound_forecast');
    const id = rules.get('xid_wraparound_forecast')!;
    // a trend over one day rather than 7, so the episode is hours long; the loop still
    // reads (and averages) the buckets of the default 7 days: one every ~2.6 hours
    await updateRule(ds.db, { id, params: { window_days: 1 } });
    const bucket = trendBucketSeconds(7 * 86_400 + 2 * 300) * 1000;
    // 20 % for days, then +40 % a day for 10 hours, then frozen: 5 %
    const rise = { from: end.getTime() - 16 * HOUR, to: end.getTime() - 6 * HOUR };
    await ds.db.query(
      `INSERT INTO metrics.wraparound (collected_at, server_id, datname, xid_wraparound_pct)
       SELECT t, $1, 'app',
              CASE WHEN t >= $3 THEN 5
                   ELSE 20 + 40 * greatest(0, extract(epoch FROM t - $2)) / 86400 END
         FROM generate_series($4::timestamptz, $5::timestamptz, interval '5 minutes') t`,
      [server, new Date(rise.from), new Date(rise.to), new Date(end.getTime() - 4 * DAY), end],
    );
    // the loop from shortly before the rise, at each step of the replay (1 ms before a
    // bucket's boundary)
    for (let t = Math.floor(rise.from / bucket) * bucket - 1; t <= end.getTime(); t += bucket)
      await cycle(new Date(t));

    const live = await alerts('xid_wraparound_forecast');
    const { backtest } = await backtestRule({ db: ds.db, ruleId: id, input: { days: 3 }, at: end });
    expect(backtest.episodes).toHaveLength(1);
    const [episode] = backtest.episodes;
    expect(episode!.start.getTime()).toBeGreaterThan(rise.from);
    expect(episode!.end!.getTime()).toBeGreaterThan(rise.to);
    expect(episode!.severity).toBe('critical');
    expect(backtest.episodes.map(asAlert)).toEqual(live);
  });
});
