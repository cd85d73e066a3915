import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { enqueueNotifications, listAlerts, listRules, updateRule } from '@pgvigil/db/alerting';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { syncCatalog } from '@pgvigil/alerting';
import { startHttpSink } from '@pgvigil/alerting/testing';
import { runCycle } from '../src/cycle/run';
import { beatOnce } from '../src/heartbeat';
import { addChannel } from './fixtures';

const major = testMajors()[testMajors().length - 1]!;

/**
 * The dead-man's switch against a real HTTP sink: a beat while the collector and the
 * alerter report, none once one of them is stale (time is a parameter: `at` moves,
 * the heartbeats stay where they were written).
 */
describe(`heartbeat URL on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let sink: Awaited<ReturnType<typeof startHttpSink>>;
  let written: Date;

  beforeAll(async () => {
    ds = await freshDatastore(major);
    sink = await startHttpSink();
    const startedAt = new Date();
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'c', startedAt });
    await recordHeartbeat(ds.db, { component: 'alerter', instanceId: 'a', startedAt });
    const [row] = await ds.db.query<{ at: Date }>(`SELECT min(last_seen_at) AS at FROM heartbeats`);
    written = row!.at;
  });
  afterAll(async () => {
    await sink?.close();
    await ds?.drop();
  });
  const after = (seconds: number) => new Date(written.getTime() + seconds * 1000);

  it('beats while both report, with what it says', async () => {
    expect(await beatOnce(ds.db, `${sink.url}/ping/abc`, after(5))).toEqual({ sent: true });
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]).toMatchObject({
      path: '/ping/abc',
      body: { status: 'ok', at: after(5).toISOString() },
    });
  });

  it('stops when the collector is stale, and says why', async () => {
    const before = sink.requests.length;
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1 WHERE component = 'collector'`, [
      after(-120),
    ]);
    const r = await beatOnce(ds.db, `${sink.url}/ping/abc`, after(5));
    expect(r).toEqual({ sent: false, why: 'withheld: The collector has not reported' });
    expect(sink.requests).toHaveLength(before);
  });

  it('stops when the alerter is stale', async () => {
    const before = sink.requests.length;
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1 WHERE component = 'alerter'`, [
      after(-120),
    ]);
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1 WHERE component = 'collector'`, [
      written,
    ]);
    const r = await beatOnce(ds.db, `${sink.url}/ping/abc`, after(5));
    expect(r).toEqual({ sent: false, why: 'withheld: The alerter has not reported' });
    expect(sink.requests).toHaveLength(before);
  });

  it('follows the outbound policy of webhooks: a metadata address is refused', async () => {
    await ds.db.query(`UPDATE heartbeats SET last_seen_at = $1`, [written]);
    const r = await beatOnce(ds.db, 'http://169.254.169.254/ping', after(5));
    expect(r.sent).toBe(false);
    expect(r).toMatchObject({ why: expect.stringMatching(/^failed: refused/) });
  });
});

/**
 * pgvigil's own "falling behind" rules, fired and cleared from what the collector's
 * heartbeat and the outbox say (heartbeats are stamped by the datastore's clock, so
 * `at` follows it).
 */
describe(`pgvigil falling behind on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  const startedAt = new Date();
  beforeAll(async () => {
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    for (const r of await listRules(ds.db))
      if (r.key === 'collector_behind' || r.key === 'alerter_behind')
        await updateRule(ds.db, { id: r.id, forSeconds: 0 });
  });
  afterAll(() => ds?.drop());

  const beat = async (info: Record<string, unknown>) => {
    await recordHeartbeat(ds.db, { component: 'collector', instanceId: 'c', startedAt, info });
    const [row] = await ds.db.query<{ at: Date }>(`SELECT max(last_seen_at) AS at FROM heartbeats`);
    return new Date(row!.at.getTime() + 5_000);
  };
  const cycle = (at: Date) =>
    runCycle(ds.db, at, { baseUrl: 'http://x', reminderSeconds: 0, includeTrends: false });
  const state = async (key: string) =>
    (await listAlerts(ds.db)).find((a) => a.rule_key === key)?.state ?? 'none';

  it('collector_behind: samples waiting in its buffer for 5 minutes, then written', async () => {
    let at = await beat({});
    await beat({ oldestBufferedAt: new Date(at.getTime() - 300_000).toISOString() });
    await cycle(at);
    expect(await state('collector_behind')).toBe('firing');
    at = await beat({ oldestBufferedAt: null, scheduleLatenessP99Ms: 40 });
    await cycle(at);
    expect(await state('collector_behind')).toBe('resolved');
  });

  it('alerter_behind: a message due for 10 minutes, then delivered', async () => {
    const channel = await addChannel(ds.db, 'webhook', 'hook', { url: 'http://127.0.0.1:9/x' });
    const at = await beat({});
    await enqueueNotifications(ds.db, [
      {
        channelId: channel.id,
        dedupeKey: 'stuck',
        kind: 'firing',
        alertId: null,
        alertEventId: null,
        payload: {},
        at: new Date(at.getTime() - 600_000),
      },
    ]);
    await cycle(at);
    expect(await state('alerter_behind')).toBe('firing');
    await ds.db.query(`UPDATE notification_outbox SET status = 'sent', sent_at = $1`, [at]);
    await cycle(new Date(at.getTime() + 10_000));
    expect(await state('alerter_behind')).toBe('resolved');
  });
});
