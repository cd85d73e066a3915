import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlackout, listRules, setOverride, updateRule } from '@pgvigil/db/alerting';
import { ensureMetricTable } from '@pgvigil/db/metrics';
import { freshDatastore, serverUrl, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { backtestRule, syncCatalog } from '@pgvigil/alerting';
import { getProbe } from '@pgvigil/probes';
import { runCycle } from '../src/cycle/run';
import { addChannel, addServer } from './fixtures';

const major = testMajors()[testMajors().length - 1]!;
const MINUTES = 56;

/**
 * The backtest's promise: replaying `connections_used` over stored history answers
 * the episodes the live alerter produced over that same history. Close to an hour of
 * seeded samples, one cycle of the real loop per minute, then one backtest at the
 * last cycle's time; an override (server b) and a blackout (server a) take part.
 */
describe(`backtest against the live cycle on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let ruleId = 0;
  let a = 0;
  let b = 0;
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const start = new Date(end.getTime() - (MINUTES - 1) * 60_000);
  const minute = (m: number) => new Date(start.getTime() + m * 60_000);
  /** percent of connections used, per minute: 0 <= m < 120 */
  const pctA = (m: number) =>
    m >= 10 && m < 17 ? 85 : m >= 25 && m < 32 ? 95 : m >= 40 && m < 50 ? 85 : 50;
  const pctB = (m: number) => (m >= 20 && m < 30 ? 75 : 40);
  /** c flaps: saturated every other minute */
  const pctC = (m: number) => (m % 2 === 0 ? 95 : 50);
  let c = 0;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    // the rest of the catalog has no part here and would cost each cycle
    await ds.db.query(`DELETE FROM rules WHERE key <> 'connections_used'`);
    a = await addServer(ds.db, 'bt-a', serverUrl(major));
    b = await addServer(ds.db, 'bt-b', serverUrl(major));
    c = await addServer(ds.db, 'bt-c', serverUrl(major));
    // no delivery runs here: the outbox shows what would have been sent
    await addChannel(ds.db, 'webhook', 'hook', { url: 'http://127.0.0.1:9/hook' });
    const spec = getProbe('activity_extremes')!;
    await ensureMetricTable(ds.db, spec, start);
    await ensureMetricTable(ds.db, spec, end);
    // max_connections 103 with 3 reserved: total_sessions is the percentage
    await ds.db.query(
      `INSERT INTO metrics.activity_extremes
              (collected_at, server_id, total_sessions, max_connections, reserved_connections)
       SELECT $1::timestamptz + make_interval(mins => m), s.id, s.pct[m + 1], 103, 3
         FROM generate_series(0, $2 - 1) m,
              (VALUES ($3::bigint, $4::int[]), ($5::bigint, $6::int[]), ($7::bigint, $8::int[])) s(id, pct)`,
      [
        start,
        MINUTES,
        a,
        Array.from({ length: MINUTES }, (_, m) => pctA(m)),
        b,
        Array.from({ length: MINUTES }, (_, m) => pctB(m)),
        c,
        Array.from({ length: MINUTES }, (_, m) => pctC(m)),
      ],
    );
    ruleId = (await listRules(ds.db)).find((r) => r.key === 'connections_used')!.id;
    // `for` of 2 minutes rather than 5: the same lifecycle in fewer cycles
    // and a flap limit of 3 firings an hour rather than the default 4
    await updateRule(ds.db, { id: ruleId, forSeconds: 120, flapLimit: 3 });
    await setOverride(ds.db, { ruleId, scopeType: 'server', scopeId: b, warning: 70 });
    await setOverride(ds.db, { ruleId, scopeType: 'server', scopeId: c, forSeconds: 0 });
    await createBlackout(ds.db, {
      name: 'maintenance of a',
      scopeType: 'server',
      scopeId: a,
      startsAt: minute(40),
      endsAt: minute(45),
    });
    for (let m = 0; m < MINUTES; m++)
      await runCycle(ds.db, minute(m), {
        baseUrl: 'http://pgvigil.test',
        reminderSeconds: 0,
        includeTrends: false,
      });
  });
  afterAll(() => ds?.drop());

  it('answers the episodes the live alerter produced, with their severity', async () => {
    const live = await ds.db.query<{
      server_id: number;
      fired_at: Date;
      resolved_at: Date | null;
      severity: string;
    }>(
      `SELECT server_id, fired_at, resolved_at, severity FROM alerts
        WHERE rule_id = $1 AND fired_at IS NOT NULL ORDER BY fired_at, server_id`,
      [ruleId],
    );
    const { backtest } = await backtestRule({ db: ds.db, ruleId, input: { days: 1 }, at: end });
    const replayed = backtest.episodes.map((e) => ({
      server_id: e.serverId,
      fired_at: e.start,
      resolved_at: e.end,
      severity: e.severity,
    }));
    // c fired every other minute: 28 episodes, as the loop kept them
    expect(live.length).toBe(4 + 28);
    expect(replayed).toEqual(live);
    // the blackout held the third of a's episodes until its end; b fired on its override
    const ab = live.filter((e) => e.server_id !== c);
    expect(ab.map((e) => [e.server_id === a ? 'a' : 'b', e.fired_at])).toEqual([
      ['a', minute(12)],
      ['b', minute(22)],
      ['a', minute(27)],
      ['a', minute(42)],
    ]);
    const peaks = backtest.episodes.filter((e) => e.serverId !== c).map((e) => e.peak);
    expect(peaks).toEqual([85, 75, 95, 85]);
    expect(backtest.perDay.reduce((n, d) => n + d.count, 0)).toBe(32);
  });

  it('replays other levels than the stored ones without changing them', async () => {
    const { backtest } = await backtestRule({
      db: ds.db,
      ruleId,
      input: { days: 1, warning: 90, forSeconds: 0 },
      at: end,
    });
    // a's warnings fall below 90; b keeps its own override of 70
    const ab = backtest.episodes.filter((e) => e.serverId !== c);
    expect(ab.map((e) => [e.serverId, e.start, e.severity])).toEqual([
      [b, minute(20), 'warning'],
      [a, minute(25), 'critical'],
    ]);
  });

  it('a flapping series is announced once with its pattern, then not sent per flap', async () => {
    const sent = await ds.db.query<{ kind: string; fired_at: Date; text: string }>(
      `SELECT o.kind, a.fired_at, o.payload::text AS text
         FROM notification_outbox o JOIN alerts a ON a.id = o.alert_id
        WHERE a.server_id = $1 ORDER BY o.id`,
      [c],
    );
    // three firings and their resolves as usual (the rule's limit), then the fourth in
    // the hour: flapping, once
    expect(sent.map((n) => n.kind)).toEqual([
      ...['firing', 'resolved', 'firing', 'resolved', 'firing', 'resolved'],
      'firing',
    ]);
    expect(sent[6]!.fired_at).toEqual(minute(6));
    expect(sent[6]!.text).toContain('Flapping: fired 4 times in 60 min, every ~2 min');
    // the later flaps are on the alerts' timelines, marked in their details
    const [later] = await ds.db.query<{ reason: string; flapping: unknown }>(
      `SELECT e.reason, a.details->'flapping' AS flapping
         FROM alerts a JOIN alert_events e ON e.alert_id = a.id
        WHERE a.server_id = $1 AND a.fired_at = $2 AND e.to_state = 'firing'`,
      [c, minute(40)],
    );
    expect(later!.reason).toMatch(/flapping: fired \d+ times in 60 min/);
    expect(later!.flapping).toMatchObject({ announced: false });
  });
});
