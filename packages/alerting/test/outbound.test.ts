import net from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Resolver } from '@pgvigil/probes';
import {
  redactError,
  secretsOf,
  sendTestMessage,
  SENDERS,
  type ChannelSettings,
  type NotificationPayload,
} from '../src/notify';
import { startHttpSink, startSmtpSink } from '../src/testing/sinks';

const at = new Date('2026-03-10T12:00:00Z');
const toMetadata: Resolver = () => Promise.resolve([{ address: '169.254.169.254', family: 4 }]);
const toIpv6Metadata: Resolver = () => Promise.resolve([{ address: 'fd00:ec2::254', family: 6 }]);
const payload: NotificationPayload = {
  kind: 'test',
  title: 'Test',
  severity: 'info',
  rule: null,
  server: null,
  items: [],
  link: 'http://pg.test/alerts',
  at: at.toISOString(),
};
const channel = (type: ChannelSettings['type'], secret: Record<string, unknown>, config = {}) => ({
  id: 1,
  name: type,
  type,
  config,
  secret,
});

describe('outbound policy for notifications', () => {
  afterEach(() => vi.restoreAllMocks());

  it('webhook, Slack, Mattermost and SMTP to a name resolving to metadata: refused before any socket', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const cases = [
      channel('webhook', { url: 'http://hooks.pgvigil.test/x' }),
      channel('slack', { url: 'https://slack.pgvigil.test/services/x' }),
      channel('mattermost', { url: 'https://chat.pgvigil.test/hooks/x' }),
      channel('email', { smtpUrl: 'smtp://mail.pgvigil.test:25' }, { to: ['a@example.com'] }),
    ];
    for (const resolve of [toMetadata, toIpv6Metadata]) {
      for (const c of cases) {
        const result = await sendTestMessage(c, {
          baseUrl: 'http://pg.test',
          smtpUrl: undefined,
          at,
          resolve,
        });
        expect(result, c.type).toMatchObject({
          ok: false,
          error: expect.stringMatching(/refused/),
        });
      }
    }
    await expect(
      SENDERS.webhook(
        channel('webhook', { url: 'http://169.254.169.254/latest/meta-data' }),
        payload,
        {
          dedupeKey: 'k',
          smtpUrl: undefined,
          timeoutMs: 1000,
        },
      ),
    ).rejects.toThrow(/refused/);
    expect(connect).not.toHaveBeenCalled();
  });

  it('private and loopback receivers stay reachable through an injected name', async () => {
    const sink = await startHttpSink();
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    try {
      const port = new URL(sink.url).port;
      const result = await sendTestMessage(
        channel('webhook', { url: `http://hooks.pgvigil.test:${port}/in` }),
        {
          baseUrl: 'http://pg.test',
          smtpUrl: undefined,
          at,
          resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
        },
      );
      expect(result).toEqual({ ok: true });
      expect(sink.requests[0]?.headers.host).toBe(`hooks.pgvigil.test:${port}`);
      expect(connect).toHaveBeenCalled();
    } finally {
      await sink.close();
    }
  });
});

describe('webhook redirects and refusals', () => {
  let target: Awaited<ReturnType<typeof startHttpSink>>;
  let redirector: Server;
  let redirectorUrl = '';
  let echo: Server;
  let echoUrl = '';
  beforeAll(async () => {
    target = await startHttpSink();
    redirector = createServer((req, res) => {
      res.writeHead(307, { location: `${target.url}/stolen` });
      res.end();
    });
    // a receiver that quotes the request (URL, headers) in its error page
    echo = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`bad token in ${req.url} ${req.headers.authorization ?? ''}`);
    });
    for (const s of [redirector, echo]) await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await target.close();
    for (const s of [redirector, echo]) await new Promise((r) => s.close(r));
  });

  it('does not follow a redirect: the payload never reaches the redirect target', async () => {
    for (const type of ['webhook', 'slack', 'mattermost'] as const) {
      const result = await sendTestMessage(channel(type, { url: `${redirectorUrl}/hook` }), {
        baseUrl: 'http://pg.test',
        smtpUrl: undefined,
        at,
      });
      expect(result).toEqual({ ok: false, error: 'HTTP 307: redirects are not followed' });
    }
    expect(target.requests).toHaveLength(0);
  });

  it('never echoes a response body or the URL (credentials, secret path) in the error', async () => {
    const secretUrl = `${echoUrl.replace('//', '//hookuser:hookpass-0a9f@')}/services/T000/B000/XSECRETPATHX`;
    const result = await sendTestMessage(channel('slack', { url: secretUrl }), {
      baseUrl: 'http://pg.test',
      smtpUrl: undefined,
      at,
    });
    expect(result).toEqual({ ok: false, error: 'HTTP 401' });
    // a transport failure naming the URL (here: a closed port) is redacted too
    const closed = `http://hookuser:hookpass-0a9f@127.0.0.1:9/XSECRETPATHX?token=qs-secret-77`;
    const failed = await sendTestMessage(channel('webhook', { url: closed }), {
      baseUrl: 'http://pg.test',
      smtpUrl: undefined,
      at,
    });
    expect(failed.ok).toBe(false);
    for (const secret of ['hookpass-0a9f', 'XSECRETPATHX', 'qs-secret-77', 'hookuser'])
      expect(JSON.stringify(failed)).not.toContain(secret);
  });

  it('redacts secrets and cuts any URL in an error to scheme and host', () => {
    const c = channel('webhook', {
      url: 'https://u:p4ssw0rd@hooks.example.com/path/S3CRET?x=QUERYSECRET',
      hmacSecret: 'hmac-secret-value-1234',
      headers: { authorization: 'Bearer header-secret-99' },
    });
    const message =
      'fetch failed for https://u:p4ssw0rd@hooks.example.com/path/S3CRET?x=QUERYSECRET ' +
      'signed hmac-secret-value-1234 with Bearer header-secret-99; see https://other.example/a/b';
    const out = redactError(message, secretsOf(c, 'smtp://mailer:smtp-pass-42@mail.example.com'));
    for (const s of [
      'p4ssw0rd',
      'S3CRET',
      'QUERYSECRET',
      'hmac-secret-value-1234',
      'header-secret-99',
      '/a/b',
    ])
      expect(out).not.toContain(s);
    expect(out).toContain('https://other.example/[redacted]');
    expect(
      redactError(
        'SMTP: 535 auth failed for smtp-pass-42',
        secretsOf(c, 'smtp://mailer:smtp-pass-42@mail.example.com'),
      ),
    ).not.toContain('smtp-pass-42');
  });
});

describe('SMTP under the policy', () => {
  it('connects to the checked address and still delivers', async () => {
    const smtp = await startSmtpSink();
    try {
      const port = new URL(smtp.url).port;
      const result = await sendTestMessage(
        channel(
          'email',
          { smtpUrl: `smtp://mail.pgvigil.test:${port}` },
          { to: ['dba@example.com'] },
        ),
        {
          baseUrl: 'http://pg.test',
          smtpUrl: undefined,
          at,
          resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
        },
      );
      expect(result).toEqual({ ok: true });
      expect(smtp.mails).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});
