import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordHeartbeat } from '@pgvigil/db';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { startHttpSink } from '@pgvigil/alerting/testing';
import { beatOnce } from '../src/heartbeat';

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
