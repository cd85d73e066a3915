import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect, request, test, type APIRequestContext } from '@playwright/test';

// The MCP endpoint of the real platform (npm start's Next.js build behind pgvigil's
// own server), reached by the SDK's client the way Claude Desktop or VS Code would.

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';
// The admin admin.spec.ts creates at first run; created here if this spec runs alone.
const ADMIN = { username: 'admin', password: 'violet-harbour-42' };

let api: APIRequestContext;

async function connect(token: string) {
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseUrl()}/api/v1/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

async function token(scope: 'full' | 'read') {
  const res = await api.post('/api/v1/tokens', { data: { name: `mcp-e2e-${scope}`, scope } });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

test.beforeAll(async () => {
  api = await request.newContext({ baseURL: baseUrl(), extraHTTPHeaders: { Origin: baseUrl() } });
  const setup = (await (await api.get('/api/v1/setup')).json()) as { needed: boolean };
  const res = await api.post(setup.needed ? '/api/v1/setup' : '/api/v1/auth/login', {
    data: ADMIN,
  });
  expect(res.ok(), await res.text()).toBe(true);
});
test.afterAll(async () => api?.dispose());

test('an MCP client with a token lists the tools and gets answers from the running platform', async () => {
  const full = await connect(await token('full'));
  const names = (await full.listTools()).tools.map((t) => t.name);
  expect(names.length).toBeGreaterThanOrEqual(15);
  expect(names).toContain('explain_query');
  const fleet = (await full.callTool({ name: 'fleet_status', arguments: {} })) as CallToolResult;
  expect(fleet.isError ?? false).toBe(false);
  expect(fleet.structuredContent).toMatchObject({
    servers: expect.any(Number),
    links: expect.arrayContaining([{ label: 'Fleet', url: expect.stringMatching(/\/$/) }]),
  });
  const bad = (await full.callTool({
    name: 'metric_series',
    arguments: { serverId: 'x' },
  })) as CallToolResult;
  expect(bad.isError).toBe(true);
  await full.close();

  const reader = await connect(await token('read'));
  const readNames = (await reader.listTools()).tools.map((t) => t.name);
  // the tools that open a session to a monitored server need a full token
  expect(readNames).toEqual(names.filter((n) => n !== 'explain_query' && n !== 'readiness'));
  await reader.close();

  const audit = (await (await api.get('/api/v1/audit?limit=50')).json()) as {
    entries: { action: string; targetId: string | null }[];
  };
  expect(audit.entries).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: 'mcp.call', targetId: 'fleet_status' }),
    ]),
  );
});
