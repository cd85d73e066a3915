// Contract test of the Ask panel's model client against a local HTTP server that
// speaks the chat-completions wire format, replaying the exchanges in
// fixtures/chat-completions.json (hand-written in the documented shape; see its
// "about"). What pgvigil sends, which tools it offers, what it runs and records.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TOOLS } from '@pgvigil/mcp';
import { createApiToken, createUser } from '@pgvigil/db/accounts';
import { createServer as createPgServer } from '@pgvigil/db/registry';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/ask/route';
import { digest, newApiToken } from '@/server/auth';
import { secretBox } from '@/server/secret-box';
import { call, webDatastore, type Handler } from './helpers';

const major = testMajors()[0] ?? 14;
const KEY = 'sk-test-not-a-real-key';
const fixture = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'fixtures', 'chat-completions.json'), 'utf8'),
) as { exchanges: unknown[] };

interface Received {
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    messages: { role: string; content: string | null; tool_call_id?: string }[];
    tools: { type: string; function: { name: string; parameters: { type: string } } }[];
  };
}

describe(`the Ask panel against a chat-completions server, on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let model: Server;
  let mode: 'replay' | 'silent' = 'replay';
  let replies: string[] = [];
  const received: Received[] = [];
  const ids = { server: 0, viewer: 0 };
  let viewerToken = '';

  beforeAll(async () => {
    model = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString()) as Received['body'],
        });
        if (mode === 'silent') return; // never answers: the client's deadline must end it
        const next = replies.shift();
        res.writeHead(next ? 200 : 500, { 'content-type': 'application/json' });
        res.end(next ?? '{}');
      });
    });
    await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
    const { port } = model.address() as AddressInfo;
    process.env.PGVIGIL_LLM_BASE_URL = `http://127.0.0.1:${port}/v1`;
    process.env.PGVIGIL_LLM_MODEL = 'test-model';
    process.env.PGVIGIL_LLM_API_KEY = KEY;
    process.env.PGVIGIL_LLM_TIMEOUT_SECONDS = '1';
    ds = await webDatastore(major);
    ids.viewer = (
      await createUser(ds.db, { username: 'vera', passwordHash: 'x', role: 'viewer' })
    ).id;
    const t = newApiToken();
    await createApiToken(ds.db, {
      userId: ids.viewer,
      name: 't',
      prefix: t.prefix,
      tokenHash: digest(t.token),
      scope: 'full',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    viewerToken = t.token;
    ids.server = (
      await createPgServer(ds.db, await secretBox(), {
        name: 'orders-primary',
        host: '127.0.0.1',
        port: 1,
        username: 'u',
      })
    ).id;
  });
  afterAll(async () => {
    model.closeAllConnections();
    await new Promise<void>((resolve) => model.close(() => resolve()));
    await ds?.drop();
  });

  const askAs = (body: Record<string, unknown>) =>
    call(askRoute.POST as unknown as Handler, {
      method: 'POST',
      path: '/api/v1/ask',
      token: viewerToken,
      body,
    });

  it("offers only the caller's tools, runs them as the caller, shows each call and records the tokens", async () => {
    replies = fixture.exchanges.map((e) =>
      JSON.stringify(e).replaceAll('SERVER_ID', String(ids.server)),
    );
    const res = await askAs({ question: 'How is this server?', serverId: ids.server });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      ok: true,
      answer: expect.stringMatching(/^orders-primary is reachable/),
      message: null,
      usage: { promptTokens: 830, completionTokens: 80 },
    });
    expect(res.json.steps).toEqual([
      expect.objectContaining({ tool: 'fleet_status', isError: false }),
      expect.objectContaining({
        tool: 'server_overview',
        arguments: { serverId: ids.server },
        isError: false,
        summary: expect.stringMatching(/^orders-primary/),
      }),
      expect.objectContaining({
        tool: 'explain_query',
        isError: true,
        summary: expect.stringMatching(/needs the editor role; you are viewer/),
      }),
      expect.objectContaining({
        tool: 'top_queries',
        isError: true,
        summary: expect.stringMatching(/not valid JSON/),
      }),
    ]);

    expect(received).toHaveLength(3);
    const [first, second, third] = received as [Received, Received, Received];
    expect(first.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(first.body.model).toBe('test-model');
    // a viewer's model is never offered explain_query
    expect(first.body.tools.map((t) => t.function.name)).toEqual(
      TOOLS.filter((t) => t.minRole === 'viewer').map((t) => t.name),
    );
    expect(first.body.tools.every((t) => t.type === 'function')).toBe(true);
    expect(first.body.messages[0]).toMatchObject({
      role: 'system',
      content: expect.stringContaining(`server ${ids.server}`),
    });
    // tool results go back under their call ids
    const results = second.body.messages.filter((m) => m.role === 'tool');
    expect(results.map((m) => m.tool_call_id)).toEqual(['call_a', 'call_b']);
    expect(results[1]!.content).toContain('orders-primary');
    expect(third.body.messages.filter((m) => m.role === 'tool').at(-2)?.content).toMatch(
      /^Error: explain_query needs the editor role/,
    );

    const [usage] = await ds.db.query<Record<string, unknown>>(
      'SELECT user_id, model, prompt_tokens, completion_tokens, tool_calls FROM llm_usage',
    );
    expect(usage).toEqual({
      user_id: ids.viewer,
      model: 'test-model',
      prompt_tokens: 830,
      completion_tokens: 80,
      tool_calls: 4,
    });
    const audit = await ds.db.query<{ target_id: string; details: Record<string, unknown> }>(
      `SELECT target_id, details FROM audit_log WHERE action = 'mcp.call' ORDER BY id`,
    );
    expect(audit.map((a) => a.target_id)).toEqual([
      'fleet_status',
      'server_overview',
      'explain_query',
    ]);
    expect(audit.every((a) => a.details.via === 'ask')).toBe(true);
  });

  it('says plainly when the model is slow, answers an error, or cannot be reached', async () => {
    mode = 'silent';
    const slow = await askAs({ question: 'Anything wrong?' });
    expect(slow.status).toBe(200);
    expect(slow.json).toMatchObject({
      ok: false,
      answer: null,
      message: expect.stringMatching(/did not answer within 1 s/),
    });
    mode = 'replay';
    replies = [];
    const broken = await askAs({ question: 'Anything wrong?' });
    expect(broken.json).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP 500/) });
    model.closeAllConnections();
    await new Promise<void>((resolve) => model.close(() => resolve()));
    const gone = await askAs({ question: 'Anything wrong?' });
    expect(gone.json).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^The language model at http:\/\/127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\)/,
      ),
    });
    // the key is never part of what the user sees
    for (const r of [slow, broken, gone]) expect(r.text).not.toContain(KEY);
    await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  });

  it('refuses a question that is empty or too long, before any model is asked', async () => {
    const before = received.length;
    expect((await askAs({ question: '  ' })).status).toBe(400);
    expect((await askAs({ question: 'x'.repeat(2001) })).status).toBe(400);
    expect(received.length).toBe(before);
  });
});
