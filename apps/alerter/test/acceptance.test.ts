import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ackAlert,
  createBlackout,
  createEscalationPolicy,
  createRoute,
  getAlert,
  listAlerts,
  listRules,
  setOverride,
  updateRule,
} from '@pgvigil/db/alerting';
import path from 'node:path';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import {
  freshDatastore,
  startTestServers,
  testMajors,
  TEST_PASSWORD,
  TEST_SERVER_SETTINGS,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { runCycle } from '../src/cycle/run';
import { deliverDue, syncCatalog } from '@pgvigil/alerting';
import { addChannel, addServer, box, collect } from './fixtures';
import { startHttpSink, startSmtpSink } from '@pgvigil/alerting/testing';

const major = testMajors()[testMajors().length - 1]!;
const t0 = new Date('2026-03-10T12:00:00Z');
const minute = (m: number) => new Date(t0.getTime() + m * 60_000);

/**
 * The on-call scenario from the issue, against a real monitored PostgreSQL with
 * max_connections = 20: cross 80 % -> one firing message (webhook + email) after
 * `for`; close -> one resolved; inside a blackout -> nothing, alert silenced.
 * Time is a parameter: samples and cycles are stamped with synthetic minutes.
 */
describe(`connections used, end to end on PostgreSQL ${major}`, () => {
  let cluster: Awaited<ReturnType<typeof startTestServers>>;
  let monitoredUrl: string;
  let ds: TestDatastore;
  let serverId: number;
  let sink: Awaited<ReturnType<typeof startHttpSink>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const clients: pg.Client[] = [];
  let restarted: EmbeddedServer | undefined;

  beforeAll(async () => {
    cluster = await startTestServers([major], {
      max_connections: 20,
      max_prepared_transactions: 5,
    });
    monitoredUrl = cluster.servers.get(major)!.url('postgres');
    ds = await freshDatastore(major);
    await syncCatalog(ds.db);
    serverId = await addServer(ds.db, 'pg-accept', monitoredUrl);
    sink = await startHttpSink();
    smtp = await startSmtpSink();
    await addChannel(ds.db, 'webhook', 'hook', { url: `${sink.url}/hook` });
    await addChannel(ds.db, 'email', 'mail', { to: 'oncall@example.com', smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await sink?.close();
    await smtp?.close();
    await ds?.drop();
    await restarted?.stop();
    await cluster?.stop();
  });

  async function openConnections(n: number) {
    for (let i = 0; i < n; i++) {
      const c = new pg.Client({ connectionString: monitoredUrl });
      await c.connect();
      clients.push(c);
    }
  }
  async function closeConnections() {
    await Promise.all(clients.splice(0).map((c) => c.end()));
  }
  /** The collector's probe on the real server, then one alerter cycle and delivery, all at `at`. */
  async function collectAndEvaluate(at: Date) {
    const [row] = await collect(ds.db, serverId, monitoredUrl, 'activity_extremes', at);
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
    return row as { total_sessions: number; max_connections: number };
  }
  const state = async () =>
    (await listAlerts(ds.db, { serverId })).find((a) => a.rule_key === 'connections_used')?.state ??
    'none';

  it('fires once after `for`, resolves once', async () => {
    // 17 usable slots (20 - 3 reserved); 14 + the probe = 15 -> 88 %
    await openConnections(14);
    const first = await collectAndEvaluate(minute(0));
    expect((100 * first.total_sessions) / (first.max_connections - 3)).toBeGreaterThan(80);
    expect(await state()).toBe('pending');
    for (const m of [1, 2, 3, 4]) await collectAndEvaluate(minute(m));
    expect(sink.requests).toHaveLength(0);
    await collectAndEvaluate(minute(5));
    expect(await state()).toBe('firing');
    for (const m of [6, 7]) await collectAndEvaluate(minute(m));
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]!.body).toMatchObject({
      kind: 'firing',
      severity: 'warning',
      server: { name: 'pg-accept' },
    });
    expect(String(sink.requests[0]!.body.link)).toContain('http://pgvigil.test/alerts?');
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['oncall@example.com']);
    expect(smtp.mails[0]!.data).toContain('Connections used on pg-accept firing');

    await closeConnections();
    await collectAndEvaluate(minute(8));
    await collectAndEvaluate(minute(9));
    expect(await state()).toBe('resolved');
    expect(sink.requests.map((r) => r.body.kind)).toEqual(['firing', 'resolved']);
    expect(smtp.mails).toHaveLength(2);
    const [alert] = await listAlerts(ds.db, { serverId });
    const detail = await getAlert(ds.db, alert!.id);
    expect(detail.events.map((e) => e.to_state)).toEqual(['pending', 'firing', 'resolved']);
  });

  it('records but sends nothing inside a blackout, then sends what still fires', async () => {
    await createBlackout(ds.db, {
      name: 'maintenance',
      scopeType: 'server',
      scopeId: serverId,
      startsAt: minute(20),
      endsAt: minute(40),
    });
    const before = sink.requests.length;
    await openConnections(14);
    for (let m = 21; m <= 30; m++) await collectAndEvaluate(minute(m));
    expect(await state()).toBe('silenced');
    expect(sink.requests.length).toBe(before);
    expect(smtp.mails).toHaveLength(2);
    await collectAndEvaluate(minute(40));
    expect(await state()).toBe('firing');
    expect(sink.requests.slice(before).map((r) => r.body.kind)).toEqual(['firing']);
    await closeConnections();
  });

  it('prepared transaction age fires and clears (needs max_prepared_transactions)', async () => {
    const rule = (await listRules(ds.db)).find((r) => r.key === 'prepared_transaction_age')!;
    await updateRule(ds.db, { id: rule.id, warning: 0.5, forSeconds: 0 });
    const prepState = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
    const c = new pg.Client({ connectionString: monitoredUrl });
    await c.connect();
    await c.query('CREATE TABLE IF NOT EXISTS twophase (id int)');
    await c.query('BEGIN');
    await c.query('INSERT INTO twophase VALUES (1)');
    await c.query(`PREPARE TRANSACTION 'pgvigil-test'`);
    await c.query('SELECT pg_sleep(0.6)');
    let at = minute(60);
    await collect(ds.db, serverId, monitoredUrl, 'prepared_xacts', at);
    await runCycle(ds.db, at, {
      baseUrl: 'http://pgvigil.test',
      reminderSeconds: 0,
      includeTrends: false,
    });
    expect(await prepState()).toBe('firing');
    await c.query(`COMMIT PREPARED 'pgvigil-test'`);
    await c.end();
    at = minute(61);
    await collect(ds.db, serverId, monitoredUrl, 'prepared_xacts', at);
    await runCycle(ds.db, at, {
      baseUrl: 'http://pgvigil.test',
      reminderSeconds: 0,
      includeTrends: false,
    });
    expect(await prepState()).toBe('resolved');
  });

  // Found on main: registering a server started minutes earlier fired "Server restarted" at
  // its first sample. A restart is a change of start_time observed between two samples.
  it('server restarted stays quiet on a first sample, fires on an observed restart, then clears', async () => {
    const rule = (await listRules(ds.db)).find((r) => r.key === 'server_restarted')!;
    const restartState = async () =>
      (await listAlerts(ds.db, { serverId, ruleId: rule.id }))[0]?.state ?? 'none';
    const step = async (at: Date) => {
      await collect(ds.db, serverId, monitoredUrl, 'server_info', at);
      await runCycle(ds.db, at, {
        baseUrl: 'http://pgvigil.test',
        reminderSeconds: 0,
        includeTrends: false,
      });
    };
    // this server was started by beforeAll seconds ago: uptime < 5 min, yet nothing observed
    await step(minute(70));
    expect(await restartState()).toBe('none');
    await step(minute(75));
    expect(await restartState()).toBe('none');

    await closeConnections();
    const before = cluster.servers.get(major)!;
    await before.stop();
    restarted = await startEmbedded({
      dataDir: path.join(cluster.root, `pg${major}`),
      major,
      port: before.port,
      superuserPassword: TEST_PASSWORD,
      settings: { ...TEST_SERVER_SETTINGS, max_connections: 20, max_prepared_transactions: 5 },
    });
    await step(minute(80));
    expect(await restartState()).toBe('firing');
    // the same postmaster five minutes later: no change observed, the alert clears
    await step(minute(85));
    expect(await restartState()).toBe('resolved');
  });

  // Done-when of issue 16: nobody acknowledges, so the second step is notified; an
  // acknowledgement for a while stops it, and when it runs out the policy starts over.
  it('routes to an escalation policy that reaches its second step unacknowledged', async () => {
    // the blackout case left the alert firing: let it resolve before the new episode
    await collectAndEvaluate(minute(95));
    expect(['resolved', 'none']).toContain(await state());
    const first = await addChannel(ds.db, 'webhook', 'first-line', { url: `${sink.url}/first` });
    const second = await addChannel(ds.db, 'webhook', 'second-line', {
      url: `${sink.url}/second`,
    });
    const policy = await createEscalationPolicy(ds.db, {
      name: 'dba on-call',
      steps: [
        { channelIds: [first.id], waitMinutes: 5 },
        { channelIds: [second.id], waitMinutes: 5 },
      ],
    });
    await createRoute(ds.db, {
      name: 'connections to the on-call',
      match: { rules: ['connections_used'] },
      channelIds: [first.id],
      escalationId: policy.id,
    });
    const rule = (await listRules(ds.db)).find((r) => r.key === 'connections_used')!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    // other rules' messages (the restart above) still take the default route
    const paths = (from: number) =>
      sink.requests
        .slice(from)
        .filter((r) => (r.body.rule as { key?: string } | null)?.key === 'connections_used')
        .map((r) => `${r.path} ${String(r.body.kind)}`);
    const before = sink.requests.length;
    await openConnections(14);
    await collectAndEvaluate(minute(100));
    expect(await state()).toBe('firing');
    // routed: the on-call channel, not the default route's webhook
    expect(paths(before)).toEqual(['/first firing']);
    await collectAndEvaluate(minute(104));
    expect(paths(before)).toEqual(['/first firing']);
    await collectAndEvaluate(minute(105));
    expect(paths(before)).toEqual(['/first firing', '/second escalated']);

    const [alert] = await listAlerts(ds.db, { serverId, ruleId: rule.id, states: ['firing'] });
    await ackAlert(ds.db, { alertId: alert!.id, userId: null, forMinutes: 10, at: minute(106) });
    for (const m of [110, 115]) await collectAndEvaluate(minute(m));
    expect(await state()).toBe('acknowledged');
    expect(paths(before)).toHaveLength(2);
    // the acknowledgement ran out: firing again, and the policy starts from its first step
    await collectAndEvaluate(minute(116));
    expect(await state()).toBe('firing');
    expect(paths(before).slice(2)).toEqual(['/first escalated']);

    await closeConnections();
    await collectAndEvaluate(minute(117));
    expect(await state()).toBe('resolved');
    expect(paths(before).slice(3)).toEqual(['/first resolved']);
    const timeline = (await getAlert(ds.db, alert!.id)).events.map((e) => e.reason);
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.stringContaining('escalation "dba on-call" step 1 of 2'),
        expect.stringContaining('escalation "dba on-call" step 2 of 2'),
        expect.stringMatching(/^acknowledged until /),
        'acknowledgement expired',
      ]),
    );
  });

  // Issue 16, per-route timing: two routes with their own repeat interval remind at their
  // own pace (the alerter's default here is no reminder at all); one route's group wait
  // holds its first message in the outbox until due.
  it('reminds at the repeat interval of each route, and holds a group for its wait', async () => {
    const rule = (await listRules(ds.db)).find((r) => r.key === 'connections_used')!;
    await updateRule(ds.db, { id: rule.id, forSeconds: 0 });
    const servers: Record<string, number> = {};
    for (const pace of ['fast', 'slow'] as const) {
      servers[pace] = await addServer(ds.db, `pg-${pace}`, monitoredUrl);
      await ds.db.query(`UPDATE servers SET tags = $2 WHERE id = $1`, [servers[pace], [pace]]);
      // any connection at all is over 1 %: both fire at their first sample
      await setOverride(ds.db, {
        ruleId: rule.id,
        scopeType: 'server',
        scopeId: servers[pace],
        warning: 1,
      });
      const c = await addChannel(ds.db, 'webhook', `${pace}-line`, { url: `${sink.url}/${pace}` });
      await createRoute(ds.db, {
        name: `${pace} reminders`,
        match: { serverTags: [pace] },
        channelIds: [c.id],
        position: 0,
        repeatIntervalSeconds: pace === 'fast' ? 600 : 1800,
        ...(pace === 'fast' ? { groupWaitSeconds: 60 } : {}),
      });
    }
    const before = sink.requests.length;
    // pg-accept's own alerts (no longer collected here) take the default route, to every channel
    const mine = () =>
      sink.requests
        .slice(before)
        .filter((r) => (r.body.rule as { key?: string } | null)?.key === 'connections_used');
    const got = () =>
      mine()
        .filter((r) => r.path === '/fast' || r.path === '/slow')
        .map((r) => `${r.path} ${String(r.body.kind)}`);
    const cycle = async (m: number) => {
      for (const id of Object.values(servers))
        await collect(ds.db, id, monitoredUrl, 'activity_extremes', minute(m));
      await runCycle(ds.db, minute(m), {
        baseUrl: 'http://pgvigil.test',
        reminderSeconds: 0,
        includeTrends: false,
      });
      await deliverDue(ds.db, box, () => minute(m), {
        leaseSeconds: 60,
        batch: 50,
        timeoutMs: 5000,
        maxAttempts: 5,
        smtpUrl: undefined,
      });
    };
    await cycle(130);
    // the fast route's group waits 60 s in the outbox
    expect(got()).toEqual(['/slow firing']);
    await cycle(131);
    expect(got()).toEqual(['/slow firing', '/fast firing']);
    for (const m of [135, 140, 145, 150, 155, 160]) await cycle(m);
    const reminders = (path: string) =>
      mine()
        .filter((r) => r.path === path && r.body.kind === 'reminder')
        .map((r) => String(r.body.at));
    expect(reminders('/fast')).toEqual([140, 150, 160].map((m) => minute(m).toISOString()));
    expect(reminders('/slow')).toEqual([minute(160).toISOString()]);
  });
});
