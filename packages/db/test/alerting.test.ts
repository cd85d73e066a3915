import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ackAlert,
  claimDueNotifications,
  createChannel,
  enqueueNotifications,
  listAlerts,
  listOpenAlerts,
  listOverrides,
  listRules,
  markNotificationFailed,
  markNotificationSent,
  readRuleRows,
  saveAlertChanges,
  setOverride,
  syncBuiltinRules,
  type AlertChange,
} from '@pgvigil/db/alerting';
import { ConflictError, ValidationError } from '@pgvigil/db';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const at = new Date('2026-03-10T12:00:00Z');
const later = (s: number) => new Date(at.getTime() + s * 1000);

describe.each(testMajors())('alerting datastore on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let ruleId: number;
  let serverId: number;
  beforeAll(async () => {
    ds = await freshDatastore(major);
    const rule = {
      key: 'connections_used',
      name: 'Connections used',
      kind: 'builtin' as const,
      probe: 'activity',
      definition: { unit: 'percent' },
      defaultSeverity: 'warning' as const,
      warning: 80,
      critical: 90,
      forSeconds: 300,
      enabled: true,
    };
    await syncBuiltinRules(ds.db, [rule]);
    // tuning survives a re-sync; catalog text follows the code
    await ds.db.query(`UPDATE rules SET warning_threshold = 70`);
    await syncBuiltinRules(ds.db, [{ ...rule, name: 'Connections used %' }]);
    const [r] = await listRules(ds.db);
    expect(r).toMatchObject({ name: 'Connections used %', warning_threshold: 70 });
    ruleId = r!.id;
    const [s] = await ds.db.query<{ id: number }>(
      `INSERT INTO servers (name, host, username) VALUES ('pg1', '127.0.0.1', 'mon') RETURNING id`,
    );
    serverId = s!.id;
  });
  afterAll(() => ds?.drop());

  it('stores overrides per scope, replacing the same scope, rejecting mismatched scope fields', async () => {
    await setOverride(ds.db, { ruleId, scopeType: 'server', scopeId: serverId, warning: 85 });
    await setOverride(ds.db, { ruleId, scopeType: 'server', scopeId: serverId, warning: 88 });
    await setOverride(ds.db, {
      ruleId,
      scopeType: 'environment',
      scopeValue: 'staging',
      enabled: false,
    });
    const list = await listOverrides(ds.db, ruleId);
    expect(list.map((o) => [o.scope_type, o.warning_threshold])).toEqual([
      ['environment', null],
      ['server', 88],
    ]);
    await expect(setOverride(ds.db, { ruleId, scopeType: 'cluster' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('saves alert transitions with events, acknowledges, lists', async () => {
    const base: AlertChange = {
      id: null,
      ruleId,
      serverId,
      databaseName: null,
      objectKey: null,
      fingerprint: `connections_used:${serverId}`,
      state: 'firing',
      severity: 'warning',
      value: 85,
      threshold: 80,
      message: 'Connections used 85 %',
      startedAt: at,
      firedAt: at,
      notified: true,
      lastNotifiedAt: at,
      at,
      event: { from: 'ok', to: 'firing', reason: 'held' },
    };
    const [saved] = await saveAlertChanges(ds.db, [base]);
    expect(saved!.eventId).not.toBeNull();
    const open = await listOpenAlerts(ds.db);
    expect(open).toHaveLength(1);
    await ds.db.tx((q) =>
      ackAlert(q, { alertId: saved!.alertId, userId: null, comment: 'on it', at: later(60) }),
    );
    await expect(
      ds.db.tx((q) => ackAlert(q, { alertId: saved!.alertId, userId: null, at: later(61) })),
    ).rejects.toBeInstanceOf(ConflictError);
    const [listed] = await listAlerts(ds.db, { states: ['acknowledged'] });
    expect(listed).toMatchObject({
      rule_key: 'connections_used',
      server_name: 'pg1',
      ack_comment: 'on it',
    });
    await saveAlertChanges(ds.db, [
      {
        ...base,
        id: saved!.alertId,
        state: 'resolved',
        at: later(120),
        event: { from: 'acknowledged', to: 'resolved', reason: 'cleared' },
      },
    ]);
    expect(await listOpenAlerts(ds.db)).toHaveLength(0);
  });

  it('delivers through the outbox: dedupe, lease, retry, give up', async () => {
    const channel = await createChannel(ds.db, {
      name: 'hook',
      type: 'webhook',
      config: {},
      secretEnc: null,
    });
    const msg = {
      channelId: channel.id,
      kind: 'test' as const,
      alertId: null,
      alertEventId: null,
      payload: { title: 't' },
      at,
    };
    expect(
      await enqueueNotifications(ds.db, [
        { ...msg, dedupeKey: 'a' },
        { ...msg, dedupeKey: 'b' },
      ]),
    ).toBe(2);
    expect(await enqueueNotifications(ds.db, [{ ...msg, dedupeKey: 'a' }])).toBe(0);

    const first = await claimDueNotifications(ds.db, { at, limit: 10, leaseSeconds: 30 });
    expect(first.map((m) => m.dedupe_key).sort()).toEqual(['a', 'b']);
    // leased: nobody else takes them until the lease runs out (a crashed sender)
    expect(
      await claimDueNotifications(ds.db, { at: later(10), limit: 10, leaseSeconds: 30 }),
    ).toEqual([]);
    const a = first.find((m) => m.dedupe_key === 'a')!;
    await markNotificationSent(ds.db, a.id, later(1));
    const again = await claimDueNotifications(ds.db, {
      at: later(31),
      limit: 10,
      leaseSeconds: 30,
    });
    expect(again.map((m) => [m.dedupe_key, m.attempts])).toEqual([['b', 2]]);
    await markNotificationFailed(ds.db, {
      id: again[0]!.id,
      error: 'HTTP 500',
      retryAt: later(100),
    });
    expect(
      await claimDueNotifications(ds.db, { at: later(99), limit: 10, leaseSeconds: 30 }),
    ).toEqual([]);
    const third = await claimDueNotifications(ds.db, {
      at: later(100),
      limit: 10,
      leaseSeconds: 30,
    });
    await markNotificationFailed(ds.db, { id: third[0]!.id, error: 'HTTP 500', retryAt: null });
    const rows = await ds.db.query(
      `SELECT dedupe_key, status, attempts, last_error FROM notification_outbox ORDER BY dedupe_key`,
    );
    expect(rows).toEqual([
      { dedupe_key: 'a', status: 'sent', attempts: 1, last_error: null },
      { dedupe_key: 'b', status: 'failed', attempts: 3, last_error: 'HTTP 500' },
    ]);
  });

  it('reads rule rows from a probe table, nothing for a missing table or column', async () => {
    expect(
      await readRuleRows(ds.db, {
        probe: 'nope',
        columns: ['x'],
        serverIds: [serverId],
        from: at,
        to: later(60),
      }),
    ).toEqual([]);
    await ds.db.query(
      `CREATE TABLE metrics.activity_t (collected_at timestamptz, server_id bigint, total_connections int)`,
    );
    await ds.db.query(`INSERT INTO metrics.activity_t VALUES ($1, $2, 5), ($3, $2, 7)`, [
      later(10),
      serverId,
      later(20),
    ]);
    const rows = await readRuleRows(ds.db, {
      probe: 'activity_t',
      columns: ['total_connections'],
      serverIds: [serverId],
      from: at,
      to: later(60),
    });
    expect(rows.map((r) => [r.values.total_connections, r.database_name])).toEqual([
      [5, null],
      [7, null],
    ]);
    const partial = await readRuleRows(ds.db, {
      probe: 'activity_t',
      columns: ['total_connections', 'not_there'],
      serverIds: [serverId],
      from: at,
      to: later(60),
    });
    expect(partial.map((r) => r.values)).toEqual([
      { total_connections: 5 },
      { total_connections: 7 },
    ]);
    expect(
      await readRuleRows(ds.db, {
        probe: 'activity_t',
        columns: ['missing'],
        serverIds: [serverId],
        from: at,
        to: later(60),
      }),
    ).toEqual([]);
  });
});
