import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelRow } from '@pgvigil/db/alerting';
import { buildNotifications, type NotifyItem } from '../src/cycle/notifications';
import {
  backoffSeconds,
  notificationPayload,
  sendTestMessage,
  SENDERS,
  splitChannelConfig,
  type NotificationPayload,
} from '../src/notify';
import { slackBody } from '../src/notify/senders/slack';
import { startHttpSink, startSmtpSink } from '../src/testing/sinks';

const at = new Date('2026-03-10T12:00:00Z');
const channel = (over: Partial<ChannelRow>): ChannelRow => ({
  id: 1,
  name: 'c',
  type: 'webhook',
  config: {},
  min_severity: 'warning',
  filters: {},
  enabled: true,
  created_at: at,
  ...over,
});
const item = (i: number, over: Partial<NotifyItem> = {}): NotifyItem => ({
  kind: 'firing',
  fingerprint: `dead_tuples|1|app|public.t${i}`,
  severity: 'warning',
  rule: { key: 'dead_tuples', name: 'Dead tuples', runbook: 'vacuum' },
  server: { id: 1, name: 'pg1', clusterId: 7, environment: 'production' },
  database: 'app',
  object: `public.t${i}`,
  value: 12,
  threshold: 10,
  unit: 'percent',
  message: 'Dead tuples: 12 %',
  since: new Date(at.getTime() - 600_000),
  ...over,
});

describe('grouping and routing', () => {
  it('turns a burst of 50 tables into one message per channel', () => {
    const items = Array.from({ length: 50 }, (_, i) => item(i));
    const out = buildNotifications(
      items,
      [channel({ id: 1 }), channel({ id: 2 })],
      at,
      'http://pg.test/',
    );
    expect(out).toHaveLength(2);
    expect(out[0]!.payload.items).toHaveLength(50);
    expect(out[0]!.payload.title).toBe('Dead tuples on pg1 (50) firing');
    expect(out[0]!.payload.link).toBe('http://pg.test/alerts?rule=dead_tuples&server=1');
    expect(notificationPayload.parse(out[0]!.payload)).toBeTruthy();
    // same burst, same moment: same key (a replay is deduplicated)
    expect(
      buildNotifications(items, [channel({ id: 1 })], at, 'http://pg.test')[0]!.dedupeKey,
    ).toBe(out[0]!.dedupeKey);
  });
  it('applies minimum severity and cluster / environment filters', () => {
    const channels = [
      channel({ id: 1, min_severity: 'critical' }),
      channel({ id: 2, filters: { clusterIds: [8] } }),
      channel({ id: 3, filters: { environments: ['production'] } }),
      channel({ id: 4, enabled: false }),
    ];
    expect(buildNotifications([item(1)], channels, at, 'x').map((n) => n.channelId)).toEqual([3]);
    const critical = item(1, { severity: 'critical' });
    expect(buildNotifications([critical], channels, at, 'x').map((n) => n.channelId)).toEqual([
      1, 3,
    ]);
  });
});

describe('channel config', () => {
  it('keeps URLs and HMAC secrets out of the visible config', () => {
    const s = splitChannelConfig('webhook', {
      url: 'https://hooks.example.com/abc',
      hmacSecret: 'x'.repeat(20),
    });
    expect(s.config).toEqual({ urlHost: 'hooks.example.com' });
    expect(s.secret).toEqual({ url: 'https://hooks.example.com/abc', hmacSecret: 'x'.repeat(20) });
    expect(splitChannelConfig('email', { to: 'a@example.com' }).config).toEqual({
      to: ['a@example.com'],
    });
    expect(() => splitChannelConfig('slack', { url: 'ftp://x' })).toThrow();
    expect(() => splitChannelConfig('email', { to: 'a@example.com', bogus: 1 })).toThrow();
  });
  it('backs off exponentially, capped at an hour', () => {
    expect([1, 2, 3, 4, 20].map(backoffSeconds)).toEqual([15, 30, 60, 120, 3600]);
  });
});

describe('senders against real receivers', () => {
  let sink: Awaited<ReturnType<typeof startHttpSink>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const payload: NotificationPayload = {
    kind: 'firing',
    title: 'Connections used on pg1 firing',
    severity: 'critical',
    rule: { key: 'connections_used', name: 'Connections used', runbook: 'Use a pooler' },
    server: { id: 1, name: 'pg1' },
    items: [
      {
        alertId: 5,
        database: null,
        object: null,
        value: 93.5,
        threshold: 90,
        unit: 'percent',
        message: 'Connections used: 93.5 %',
        since: '2026-03-10T11:50:00.000Z',
      },
    ],
    link: 'http://pg.test/alerts?rule=connections_used&server=1',
    at: at.toISOString(),
  };
  const ctx = { dedupeKey: 'k1', smtpUrl: undefined as string | undefined, timeoutMs: 5000 };
  beforeAll(async () => {
    sink = await startHttpSink();
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
    await smtp.close();
  });

  it('signs webhook bodies with HMAC over timestamp and body', async () => {
    const secret = 's'.repeat(24);
    await SENDERS.webhook(
      {
        id: 1,
        name: 'w',
        type: 'webhook',
        config: {},
        secret: { url: `${sink.url}/w`, hmacSecret: secret },
      },
      payload,
      ctx,
    );
    const req = sink.requests.at(-1)!;
    const ts = String(req.headers['x-pgvigil-timestamp']);
    const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${req.raw}`).digest('hex')}`;
    expect(req.headers['x-pgvigil-signature']).toBe(expected);
    expect(req.headers['idempotency-key']).toBe('k1');
    expect(req.body).toMatchObject({
      kind: 'firing',
      id: 'k1',
      items: [{ value: 93.5, threshold: 90 }],
    });
  });

  it('posts Slack Block Kit and Mattermost markdown', async () => {
    await SENDERS.slack(
      { id: 2, name: 's', type: 'slack', config: {}, secret: { url: `${sink.url}/s` } },
      payload,
      ctx,
    );
    const slack = sink.requests.at(-1)!.body as { blocks: { type: string }[]; text: string };
    expect(slack.blocks.map((b) => b.type)).toEqual([
      'header',
      'context',
      'section',
      'section',
      'actions',
    ]);
    expect(slack.text).toContain('value 93.5 % (threshold 90 %), for 10 min');
    expect(slackBody({ ...payload, kind: 'resolved' }).blocks).toHaveLength(4);
    await SENDERS.mattermost(
      {
        id: 3,
        name: 'm',
        type: 'mattermost',
        config: { channel: 'dba' },
        secret: { url: `${sink.url}/m` },
      },
      payload,
      ctx,
    );
    expect(sink.requests.at(-1)!.body).toMatchObject({ channel: 'dba', username: 'pgvigil' });
    expect(String(sink.requests.at(-1)!.body.text)).toContain(
      '[Open in pgvigil](http://pg.test/alerts?rule=connections_used&server=1)',
    );
  });

  it('sends HTML + text email over SMTP_URL or the channel SMTP', async () => {
    const email = {
      id: 4,
      name: 'e',
      type: 'email' as const,
      config: { to: ['dba@example.com'] },
      secret: {},
    };
    await SENDERS.email(email, payload, { ...ctx, smtpUrl: smtp.url });
    const mail = smtp.mails.at(-1)!;
    expect(mail.to).toEqual(['dba@example.com']);
    expect(mail.data).toContain('Content-Type: text/plain');
    expect(mail.data).toContain('Content-Type: text/html');
    expect(mail.data).toContain('Subject: [FIRING critical] Connections used on pg1 firing');
    await expect(SENDERS.email(email, payload, ctx)).rejects.toThrow(/no SMTP server/);
  });

  it('reports a failing test send with the reason', async () => {
    const bad = await startHttpSink({ status: 404 });
    const result = await sendTestMessage(
      { id: 5, name: 'x', type: 'slack', config: {}, secret: { url: `${bad.url}/nope` } },
      { baseUrl: 'http://pg.test', smtpUrl: undefined, at },
    );
    await bad.close();
    expect(result).toEqual({ ok: false, error: 'HTTP 404' });
    expect(
      await sendTestMessage(
        { id: 6, name: 'y', type: 'webhook', config: {}, secret: { url: `${sink.url}/t` } },
        { baseUrl: 'http://pg.test', smtpUrl: undefined, at },
      ),
    ).toEqual({ ok: true });
  });
});
