import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEscalationPolicy,
  createRoute,
  getAlert,
  listAlerts,
  listRules,
  updateRule,
} from '@pgvigil/db/alerting';
import type { EmbeddedServer } from '@pgvigil/db/embedded';
import {
  freshDatastore,
  startStandby,
  startTestServers,
  testMajors,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { deliverDue, syncCatalog } from '@pgvigil/alerting';
import { startHttpSink } from '@pgvigil/alerting/testing';
import { runCycle } from '../src/cycle/run';
import { addChannel, addServer, box, collect, collectUnreachable, query, until } from './fixtures';

const major = testMajors()[testMajors().length - 1]!;
const t0 = new Date('2026-05-04T10:00:00Z');
const minute = (m: number) => new Date(t0.getTime() + m * 60_000);

/**
 * Suppression by dependency, the proof: a real primary with a real streaming
 * standby, one alert firing on the primary; the primary is stopped. Its standby's
 * link alert fires and is held, and the webhook sink receives ONE message, the
 * server-down one, naming both held alerts.
 */
describe(`a primary taken down on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let standby: EmbeddedServer;
  /** a second standby, registered only by the cluster-wide incident below */
  let standby2: EmbeddedServer;
  let ds: TestDatastore;
  let sink: Awaited<ReturnType<typeof startHttpSink>>;
  let primaryUrl: string;
  let standbyUrl: string;
  let primaryId: number;
  let standbyId: number;

  beforeAll(async () => {
    cluster = await startTestServers([major]);
    standby = await startStandby(cluster, major, { name: 'orders_standby' });
    standby2 = await startStandby(cluster, major, { name: 'orders_standby_2' });
    primaryUrl = cluster.servers.get(major)!.url('postgres');
    standbyUrl = standby.url('postgres');
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    primaryId = await addServer(ds.db, 'orders-primary', primaryUrl);
    standbyId = await addServer(ds.db, 'orders-standby', standbyUrl);
    await ds.db.query(
      `WITH c AS (INSERT INTO clusters (name) VALUES ('orders') RETURNING id)
       UPDATE servers SET cluster_id = (SELECT id FROM c) WHERE id = ANY($1)`,
      [[primaryId, standbyId]],
    );
    sink = await startHttpSink();
    const onCall = await addChannel(ds.db, 'webhook', 'on-call', { url: `${sink.url}/hook` });
    // the primary's alert escalates after a minute unless acknowledged: not while held
    const policy = await createEscalationPolicy(ds.db, {
      name: 'dba',
      steps: [
        { channelIds: [onCall.id], waitMinutes: 1 },
        { channelIds: [onCall.id], waitMinutes: 1 },
      ],
    });
    await createRoute(ds.db, {
      name: 'connections escalate',
      match: { rules: ['connections_used'] },
      channelIds: [onCall.id],
      escalationId: policy.id,
    });
    const rules = await listRules(ds.db);
    const tune = (key: string, t: { warning?: number | null; critical?: number | null }) =>
      updateRule(ds.db, { id: rules.find((r) => r.key === key)!.id, forSeconds: 0, ...t });
    // any session at all crosses it: an alert firing on the primary before it goes down
    await tune('connections_used', { warning: 0, critical: null });
    await tune('standby_disconnected', {});
  });
  afterAll(async () => {
    await sink?.close();
    await ds?.drop();
    await standby?.stop();
    await standby2?.stop();
    await cluster?.stop();
  });

  async function cycle(at: Date) {
    await ds.db.query(
      `INSERT INTO heartbeats (component, instance_id, started_at, last_seen_at)
       VALUES ('collector', 'test', $1, $1)
       ON CONFLICT (component, instance_id) DO UPDATE SET last_seen_at = $1`,
      [at],
    );
    await runCycle(ds.db, at, {
      baseUrl: 'http://pgvigil.test',
      reminderSeconds: 0,
      includeTrends: false,
    });
    await deliverDue(ds.db, box, () => at, {
      leaseSeconds: 60,
      batch: 50,
      timeoutMs: 5000,
      maxAttempts: 5,
      smtpUrl: undefined,
    });
  }

  it('sends one "server down" message naming the dependent alerts it holds', async () => {
    for (const [id, url] of [
      [primaryId, primaryUrl],
      [standbyId, standbyUrl],
    ] as const)
      for (const p of ['connectivity', 'wal_receiver']) await collect(ds.db, id, url, p, minute(0));
    await collect(ds.db, primaryId, primaryUrl, 'activity_extremes', minute(0));
    await cycle(minute(0));
    expect(sink.requests.map((r) => r.body.title)).toEqual([
      'Connections used on orders-primary firing',
    ]);

    await cluster.servers.get(major)!.stop();
    await until('the standby has lost its primary', async () => {
      const [r] = await query<{ n: number }>(
        standbyUrl,
        `SELECT count(*)::int AS n FROM pg_stat_wal_receiver WHERE status = 'streaming'`,
      );
      return r!.n === 0;
    });
    const before = sink.requests.length;
    for (const m of [1, 2]) {
      await collectUnreachable(ds.db, primaryId, primaryUrl, minute(m));
      for (const p of ['connectivity', 'wal_receiver'])
        await collect(ds.db, standbyId, standbyUrl, p, minute(m));
      await cycle(minute(m));
    }
    // server_down waits its minute; meanwhile the standby's alert fired, held
    const sent = sink.requests.slice(before);
    expect(sent.map((r) => r.body.title)).toEqual(['Server down on orders-primary firing']);
    const message = (sent[0]!.body.items as { message: string }[])[0]!.message;
    // what the outage holds besides the two alerts of the scenario (probes of the primary
    // going stale, its settings rules) is held too: the count is the datastore's
    const held = (await listAlerts(ds.db, { limit: 1000 })).filter(
      (a) => a.held_by_server_id === primaryId,
    );
    expect(held.map((a) => a.rule_key)).toEqual(
      expect.arrayContaining(['connections_used', 'standby_disconnected']),
    );
    expect(message).toMatch(
      new RegExp(`^orders-primary down; ${held.length} dependent alerts held: `),
    );
    expect(message).toContain('Connections used');
    expect(message).toContain('Standby not streaming (orders-standby)');

    const link = (await listAlerts(ds.db, { serverId: standbyId })).find(
      (a) => a.rule_key === 'standby_disconnected',
    )!;
    expect(link).toMatchObject({ state: 'firing', notified: false, held_by_server_id: primaryId });
    const { events } = await getAlert(ds.db, link.id);
    expect(events.map((e) => e.reason).join('\n')).toContain('held: orders-primary down');
  });

  // Issue 16: a cluster-wide incident is one message. The primary is down already (above);
  // now both standbys stop in the same cycle: one message names them and what they hold.
  it('sends one message when several members of a cluster go down together', async () => {
    const standby2Url = standby2.url('postgres');
    const standby2Id = await addServer(ds.db, 'orders-standby-2', standby2Url);
    await ds.db.query(
      `UPDATE servers SET cluster_id = (SELECT cluster_id FROM servers WHERE id = $1)
        WHERE id = $2`,
      [standbyId, standby2Id],
    );
    const standbys = [
      [standbyId, standbyUrl],
      [standby2Id, standby2Url],
    ] as const;
    for (const [id, url] of standbys) await collect(ds.db, id, url, 'connectivity', minute(10));
    await collectUnreachable(ds.db, primaryId, primaryUrl, minute(10));
    await cycle(minute(10));

    await Promise.all([standby.stop(), standby2.stop()]);
    const before = sink.requests.length;
    for (const m of [11, 12]) {
      await collectUnreachable(ds.db, primaryId, primaryUrl, minute(m));
      for (const [id, url] of standbys) await collectUnreachable(ds.db, id, url, minute(m));
      await cycle(minute(m));
    }
    const sent = sink.requests.slice(before).map((r) => ({
      title: String(r.body.title),
      lines: (r.body.items as { message: string }[]).map((i) => i.message),
    }));
    const held = (await listAlerts(ds.db, { limit: 1000 })).filter(
      (a) => a.held_by_server_id === standbyId || a.held_by_server_id === standby2Id,
    );
    expect(sent).toEqual([
      {
        title: `orders: 2 of 3 members down (orders-standby, orders-standby-2); ${held.length} dependent alert${held.length === 1 ? '' : 's'} held`,
        lines: expect.arrayContaining([
          expect.stringMatching(/^orders-standby down/),
          expect.stringMatching(/^orders-standby-2 down/),
        ]) as unknown,
      },
    ]);
  });
});
