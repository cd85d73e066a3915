import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelType } from '@pgvigil/schema';
import {
  DeliveryError,
  SENDERS,
  splitChannelConfig,
  type ChannelSettings,
  type NotificationPayload,
} from '../src/notify';

// The vendor channels against a local HTTP sink that checks each documented wire format
// (PagerDuty Events API v2, Opsgenie Alert API, Teams workflow Adaptive Card, Telegram
// Bot API, a webhook template), a resolve, and a retry after the receiver failed.

interface Hit {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

let server: Server;
let base: string;
const hits: Hit[] = [];
/** statuses to answer next (then 202) */
const answers: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      hits.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(raw) as Record<string, unknown>,
      });
      res.writeHead(answers.shift() ?? 202, { 'content-type': 'application/json' });
      res.end('{"status":"success"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  hits.length = 0;
  answers.length = 0;
});

const at = '2026-03-10T12:00:00.000Z';
const firing: NotificationPayload = {
  kind: 'firing',
  title: 'Connections used on orders-primary firing',
  severity: 'critical',
  rule: { key: 'connections_used', name: 'Connections used', runbook: 'Find who holds them.' },
  server: { id: 4, name: 'orders-primary' },
  items: [
    {
      alertId: 41,
      database: 'app*_[x](http://evil)',
      object: null,
      value: 95,
      threshold: 90,
      unit: 'percent',
      message: 'Connections used: 95 %',
      since: '2026-03-10T11:50:00.000Z',
    },
  ],
  link: 'http://pgvigil.test/alerts?rule=connections_used&server=4',
  at,
};
const resolved: NotificationPayload = { ...firing, kind: 'resolved', title: 'resolved' };

function channel(type: ChannelType, raw: Record<string, unknown>): ChannelSettings {
  const { config, secret } = splitChannelConfig(type, raw);
  return { id: 9, name: type, type, config, secret };
}
const send = (c: ChannelSettings, p: NotificationPayload, key = 'firing:9:abc') =>
  SENDERS[c.type](c, p, { dedupeKey: key, smtpUrl: undefined, timeoutMs: 5000 });

describe('PagerDuty (Events API v2)', () => {
  const pd = () =>
    channel('pagerduty', { routingKey: 'R0UT1NGKEY0123456789abcdef', apiUrl: `${base}/` });

  it('triggers with a dedup key per alert, and resolve closes the same key', async () => {
    await send(pd(), firing);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ method: 'POST', path: '/v2/enqueue' });
    expect(hits[0]!.headers['content-type']).toBe('application/json');
    expect(hits[0]!.body).toMatchObject({
      routing_key: 'R0UT1NGKEY0123456789abcdef',
      event_action: 'trigger',
      dedup_key: 'pgvigil-alert-41',
      payload: {
        summary: '[FIRING critical] Connections used on orders-primary firing',
        source: 'orders-primary',
        severity: 'critical',
        timestamp: at,
      },
      links: [{ href: firing.link, text: 'Open in pgvigil' }],
    });
    await send(pd(), resolved, 'resolved:9:abc');
    expect(hits[1]!.body).toEqual({
      routing_key: 'R0UT1NGKEY0123456789abcdef',
      event_action: 'resolve',
      dedup_key: 'pgvigil-alert-41',
    });
  });

  it('retries what the receiver refused for now, gives up on a bad request', async () => {
    answers.push(500);
    const err = await send(pd(), firing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).retryable).toBe(true);
    // the retry carries the same dedup key: PagerDuty keeps one incident
    await send(pd(), firing);
    expect(hits.map((h) => h.body.dedup_key)).toEqual(['pgvigil-alert-41', 'pgvigil-alert-41']);
    answers.push(400);
    expect(((await send(pd(), firing).catch((e: unknown) => e)) as DeliveryError).retryable).toBe(
      false,
    );
  });

  it('keeps the integration key secret', () => {
    expect(pd().config).toEqual({ apiUrl: `${base}/` });
  });
});

describe('Opsgenie (Alert API)', () => {
  const og = () => channel('opsgenie', { apiKey: 'genie-key-123', apiUrl: base });

  it('creates by alias with the GenieKey header, closes by the same alias', async () => {
    await send(og(), firing);
    expect(hits[0]).toMatchObject({ method: 'POST', path: '/v2/alerts' });
    expect(hits[0]!.headers.authorization).toBe('GenieKey genie-key-123');
    expect(hits[0]!.body).toMatchObject({
      message: '[FIRING critical] Connections used on orders-primary firing',
      alias: 'pgvigil-alert-41',
      priority: 'P1',
      source: 'pgvigil',
      entity: 'orders-primary',
    });
    expect(String(hits[0]!.body.description)).toContain('Connections used: 95 %');
    await send(og(), resolved);
    expect(hits[1]!.path).toBe('/v2/alerts/pgvigil-alert-41/close?identifierType=alias');
    expect(hits[1]!.body).toMatchObject({ source: 'pgvigil' });
  });

  it('retries on 429', async () => {
    answers.push(429);
    expect(((await send(og(), firing).catch((e: unknown) => e)) as DeliveryError).retryable).toBe(
      true,
    );
    await send(og(), firing);
    expect(hits).toHaveLength(2);
  });
});

describe('Microsoft Teams (workflow webhook)', () => {
  it('posts one Adaptive Card whose texts are never Markdown', async () => {
    await send(channel('teams', { url: `${base}/workflows/abc?sig=s3cret` }), firing);
    expect(hits[0]!.path).toBe('/workflows/abc?sig=s3cret');
    const body = hits[0]!.body as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> }[];
    };
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const card = body.attachments[0]!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const blocks = card.content.body as {
      type: string;
      inlines: { type: string; text: string }[];
    }[];
    expect(blocks.every((b) => b.type === 'RichTextBlock')).toBe(true);
    expect(blocks.flatMap((b) => b.inlines).every((i) => i.type === 'TextRun')).toBe(true);
    expect(JSON.stringify(blocks)).toContain('app*_[x](http://evil)');
    expect(card.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in pgvigil', url: firing.link },
    ]);
    await send(channel('teams', { url: `${base}/w` }), resolved);
    expect(JSON.stringify(hits[1]!.body)).toContain('"color":"Good"');
  });

  it('retries on 502', async () => {
    answers.push(502);
    const c = channel('teams', { url: `${base}/w` });
    expect(((await send(c, firing).catch((e: unknown) => e)) as DeliveryError).retryable).toBe(
      true,
    );
  });
});

describe('Telegram (Bot API)', () => {
  const tg = () =>
    channel('telegram', {
      botToken: '123456:ABCdefGhIJKlmnoPQRstu',
      chatId: '-100123',
      apiUrl: base,
    });

  it('sends plain text (no parse mode) to the chat, firing and resolved', async () => {
    await send(tg(), firing);
    expect(hits[0]!.path).toBe('/bot123456:ABCdefGhIJKlmnoPQRstu/sendMessage');
    expect(hits[0]!.body).toMatchObject({ chat_id: '-100123' });
    expect(hits[0]!.body.parse_mode).toBeUndefined();
    expect(String(hits[0]!.body.text)).toContain('Server: orders-primary');
    await send(tg(), resolved);
    expect(String(hits[1]!.body.text)).toContain('[RESOLVED]');
  });

  it('keeps the token out of a stored error and retries a 500', async () => {
    answers.push(500);
    const err = (await send(tg(), firing).catch((e: unknown) => e)) as DeliveryError;
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain('ABCdef');
  });
});

describe('webhook with a body template', () => {
  it('fills the placeholders as JSON string contents, so no value adds a field', async () => {
    const template =
      '{"summary": "{{title}}", "state": "{{kind}}", "where": "{{server}}", "url": "{{link}}"}';
    const hostile = {
      ...firing,
      server: { id: 4, name: 'x", "admin": true, "y": "' },
    };
    await send(channel('webhook', { url: `${base}/hook`, template }), hostile);
    expect(hits[0]!.body).toEqual({
      summary: '[FIRING critical] Connections used on orders-primary firing',
      state: 'firing',
      where: 'x", "admin": true, "y": "',
      url: firing.link,
    });
  });

  it('refuses a template that does not give JSON, without retrying', async () => {
    const c = channel('webhook', { url: `${base}/hook`, template: '{"a": {{title}}}' });
    const err = (await send(c, firing).catch((e: unknown) => e)) as DeliveryError;
    expect(err.retryable).toBe(false);
    expect(hits).toHaveLength(0);
  });
});
