// The MCP endpoint through the SDK's own client over real HTTP: the real route
// handler, a real datastore filled by real probe runs against a real server, and
// EXPLAIN on that server. Tools per role and scope, every tool called, refusals,
// revoked tokens, bad arguments, the audit trail.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Role } from '@pgvigil/schema';
import { createApiToken, createUser, revokeApiToken } from '@pgvigil/db/accounts';
import { ensureMetricTable, saveQueryTexts, writeSamples } from '@pgvigil/db/metrics';
import { createCluster, createServer } from '@pgvigil/db/registry';
import {
  freshDatabase,
  PGBOUNCER_USERS,
  serverUrl,
  startPgbouncer,
  testMajors,
  type TestDatabase,
  type TestDatastore,
  type TestPgbouncer,
} from '@pgvigil/db/testing';
import { syncCatalog } from '@pgvigil/alerting';
import { TOOLS } from '@pgvigil/mcp';
import {
  getProbe,
  loadProbeContext,
  POOLER_PROBES,
  runPoolerProbe,
  runProbe,
} from '@pgvigil/probes';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as askRoute from '@/app/api/v1/ask/route';
import * as mcpRoute from '@/app/api/v1/mcp/route';
import { digest, newApiToken } from '@/server/auth';
import { secretBox } from '@/server/secret-box';
import { call, serveHandler, webDatastore, type Handler } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const SECRET = 'zebra-crossing-4711';

describe(`the MCP server on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let app: TestDatabase;
  let http: { url: string; close(): Promise<void> };
  const userIds: Partial<Record<Role, number>> = {};
  const ids = { server: 0, alert: 0, pooler: 0 };
  let bouncer: TestPgbouncer | undefined;
  const password = decodeURIComponent(new URL(serverUrl(major)).password);
  const clients: Client[] = [];

  async function token(role: Role, scope: 'full' | 'read' = 'full') {
    const t = newApiToken();
    const made = await createApiToken(ds.db, {
      userId: userIds[role]!,
      name: `${role}-${scope}-${Math.random()}`,
      prefix: t.prefix,
      tokenHash: digest(t.token),
      scope,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    return { token: t.token, id: made.id };
  }

  async function connect(bearer: string): Promise<Client> {
    const client = new Client({ name: 'pgvigil-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${http.url}/api/v1/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${bearer}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  /** Runs real probes against the app database and stores what they return, as the collector does. */
  async function collect(names: string[], at: Date[]) {
    const client = new pg.Client({ connectionString: app.url });
    await client.connect();
    try {
      const [{ num }] = (
        await client.query<{ num: string }>("SELECT current_setting('server_version_num') AS num")
      ).rows as [{ num: string }];
      const ctx = await loadProbeContext(client, Number(num));
      for (const name of names) {
        const spec = getProbe(name)!;
        const result = await runProbe(client, spec, ctx);
        expect(result, `${name}: ${JSON.stringify(result)}`).toMatchObject({ status: 'ok' });
        if (result.status !== 'ok') continue;
        await ensureMetricTable(ds.db, spec, at[0]!);
        await writeSamples(ds.db, [
          {
            spec,
            samples: at.map((collectedAt) => ({
              collectedAt,
              serverId: ids.server,
              ...(spec.scope === 'database' ? { database: app.name } : {}),
              rows: result.rows,
            })),
          },
        ]);
      }
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    ds = await webDatastore(major);
    app = await freshDatabase(major, 'app');
    const seed = new pg.Client({ connectionString: app.url });
    await seed.connect();
    await seed.query(`CREATE TABLE orders (id int PRIMARY KEY, customer_id int, note text);
      CREATE INDEX orders_customer ON orders (customer_id);
      INSERT INTO orders SELECT g, g % 100, 'n' FROM generate_series(1, 2000) g;
      ANALYZE orders`);
    await seed.end();
    for (const role of ['viewer', 'editor', 'admin'] as const)
      userIds[role] = (await createUser(ds.db, { username: role, passwordHash: 'x', role })).id;
    await syncCatalog(ds.db);
    const target = new URL(app.url);
    const cluster = await createCluster(ds.db, { name: 'orders' });
    ids.server = (
      await createServer(ds.db, await secretBox(), {
        name: 'orders-primary',
        host: target.hostname,
        port: Number(target.port),
        dbname: app.name,
        username: decodeURIComponent(target.username),
        password,
        sslmode: 'disable',
        clusterId: cluster.id,
      })
    ).id;
    // a second server whose password must never appear in an answer
    await createServer(ds.db, await secretBox(), {
      name: 'archive',
      host: '127.0.0.1',
      port: 1,
      username: 'archive',
      password: SECRET,
    });
    const now = Date.now();
    const ago = (minutes: number) => new Date(now - minutes * 60_000);
    // a real PgBouncer in front of the server, its console read by the real pooler probes
    bouncer = await startPgbouncer({ serverUrl: serverUrl(major) });
    ids.pooler = (
      await createServer(ds.db, await secretBox(), {
        kind: 'pgbouncer',
        name: 'orders-bouncer',
        host: '127.0.0.1',
        port: bouncer.port,
        username: PGBOUNCER_USERS.stats.user,
        password: PGBOUNCER_USERS.stats.password,
        sslmode: 'disable',
        fronts: [ids.server],
      })
    ).id;
    // one client through it, so it has a pool to show
    const through = new pg.Client({ connectionString: bouncer.clientUrl() });
    await through.connect();
    await through.query('SELECT 1');
    await through.end();
    const console_ = new pg.Client({ connectionString: bouncer.adminUrl() });
    await console_.connect();
    try {
      for (const probe of POOLER_PROBES.filter((p) =>
        ['pgbouncer_connectivity', 'pgbouncer_pools', 'pgbouncer_lists'].includes(p.name),
      )) {
        const result = await runPoolerProbe(console_, probe);
        expect(result, probe.name).toMatchObject({ status: 'ok' });
        if (result.status !== 'ok') continue;
        await ensureMetricTable(ds.db, probe, ago(1));
        await writeSamples(ds.db, [
          {
            spec: probe,
            samples: [{ collectedAt: ago(1), serverId: ids.pooler, rows: result.rows }],
          },
        ]);
      }
    } finally {
      await console_.end();
    }
    await collect(
      ['sessions', 'blocking', 'settings', 'database_stats', 'tables', 'indexes', 'wal_receiver'],
      [ago(3), ago(1)],
    );
    const statements = getProbe('statements')!;
    await ensureMetricTable(ds.db, statements, ago(60));
    const stmt = (calls: number) => ({
      queryid: '42',
      userid: 10,
      dbid: 5,
      calls,
      rows: calls,
      total_exec_time: calls * 3,
      shared_blks_hit: 1,
      shared_blks_read: calls,
      temp_blks_read: 0,
      temp_blks_written: 0,
    });
    await writeSamples(ds.db, [
      {
        spec: statements,
        samples: [
          { collectedAt: ago(12), serverId: ids.server, rows: [stmt(3)] },
          { collectedAt: ago(2), serverId: ids.server, rows: [stmt(7)] },
        ],
      },
    ]);
    await saveQueryTexts(
      ds.db,
      ids.server,
      [{ queryid: '42', query: 'SELECT * FROM orders WHERE customer_id = $1' }],
      ago(12),
    );
    const [rule] = await ds.db.query<{ id: number }>(
      `SELECT id FROM rules WHERE key = 'connections_used'`,
    );
    const [alert] = await ds.db.query<{ id: number }>(
      `INSERT INTO alerts (rule_id, server_id, fingerprint, state, severity, message, started_at, fired_at, details)
       VALUES ($1, $2, 'mcp', 'firing', 'warning', 'connections at 91%', $3, $3, '{"used_pct": 91}')
       RETURNING id`,
      [rule!.id, ids.server, ago(5)],
    );
    ids.alert = alert!.id;
    http = await serveHandler(mcpRoute.POST as unknown as Handler);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await http?.close();
    await bouncer?.stop();
    await app?.drop();
    await ds?.drop();
  });

  const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);

  it('lists the tools each role and scope may use, at least 15', async () => {
    const all = TOOLS.map((t) => t.name);
    const reads = TOOLS.filter((t) => t.access === 'read').map((t) => t.name);
    expect(all.filter((n) => !reads.includes(n))).toEqual(['explain_query', 'readiness']);
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(await names(await connect((await token('viewer')).token))).toEqual(reads);
    expect(await names(await connect((await token('editor')).token))).toEqual(all);
    expect(await names(await connect((await token('admin')).token))).toEqual(all);
    // a read-only token of an admin sees the read tools only
    expect(await names(await connect((await token('admin', 'read')).token))).toEqual(reads);
    const listed = (await (await connect((await token('viewer')).token)).listTools()).tools;
    for (const t of listed) {
      expect(t.inputSchema.type, t.name).toBe('object');
      expect(t.description?.length, t.name).toBeGreaterThan(40);
      expect(t.annotations?.readOnlyHint, t.name).toBe(true);
    }
  });

  it('answers every tool from the real stack, with links back to the dashboard', async () => {
    const client = await connect((await token('editor')).token);
    const server = ids.server;
    const args: Record<string, Record<string, unknown>> = {
      fleet_status: {},
      list_servers: { q: 'orders-primary' },
      server_overview: { serverId: server },
      list_alerts: { serverId: server },
      investigate_alert: { alertId: ids.alert },
      list_metrics: { probe: 'tables' },
      metric_series: { serverId: server, probe: 'tables', columns: ['n_live_tup'], last: '1h' },
      top_queries: { serverId: server, orderBy: 'io', last: '1h' },
      query_history: { serverId: server, queryid: '42', last: '1h' },
      table_health: { serverId: server, sort: 'size' },
      index_health: { serverId: server, table: 'orders' },
      index_advice: { serverId: server },
      settings_changes: { serverId: server },
      schema_changes: { serverId: server },
      blocking_now: { serverId: server },
      live_sessions: { serverId: server },
      replication_status: { serverId: server },
      pooler_status: { serverId: ids.pooler },
      explain_query: { serverId: server, statement: 'SELECT * FROM orders WHERE id = 7' },
      readiness: { serverId: server, database: app.name, for: 'migration' },
    };
    // a new tool fails here until it is called too
    expect(Object.keys(args).sort()).toEqual(TOOLS.map((t) => t.name).sort());
    const out: Record<string, Record<string, unknown>> = {};
    for (const [name, a] of Object.entries(args)) {
      const r = (await client.callTool({ name, arguments: a })) as CallToolResult;
      const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      expect(r.isError ?? false, `${name}: ${text}`).toBe(false);
      const s = r.structuredContent!;
      expect(s.links, name).toEqual(
        expect.arrayContaining([
          { label: expect.any(String), url: expect.stringMatching(/^http:\/\/localhost:3000\//) },
        ]),
      );
      // no one sees secrets: a server's password appears in no answer
      expect(text, name).not.toContain(SECRET);
      out[name] = s;
    }
    expect(out.fleet_status).toMatchObject({
      servers: 3,
      activeAlerts: 1,
      poolers: [{ id: ids.pooler, name: 'orders-bouncer', pools: expect.any(Number) }],
    });
    expect(out.pooler_status).toMatchObject({
      server: { id: ids.pooler, name: 'orders-bouncer' },
      fronts: [server],
      connectivity: { up: true },
      pools: [expect.objectContaining({ cl_waiting: 0, pool_size: expect.any(Number) })],
      lists: { max_client_conn: expect.any(Number) },
    });
    expect(out.list_servers).toMatchObject({ total: 1, servers: [{ name: 'orders-primary' }] });
    expect(out.server_overview).toMatchObject({ name: 'orders-primary', dbname: app.name });
    expect(out.list_alerts).toMatchObject({ alerts: [{ id: ids.alert, state: 'firing' }] });
    expect(out.investigate_alert).toMatchObject({
      alert: { id: ids.alert, ruleKey: 'connections_used' },
      rule: { key: 'connections_used', runbook: expect.any(String) },
      server: { name: 'orders-primary' },
      // the root-cause investigation rides along, with its ranked causes
      investigation: { alert: { id: ids.alert }, causes: expect.any(Array) },
    });
    expect(out.list_metrics).toMatchObject({ probes: [{ probe: 'tables' }] });
    const series = out.metric_series as {
      resolution: string;
      series: { key: Record<string, unknown>; points: Record<string, unknown>[] }[];
    };
    expect(series.resolution).toBe('raw');
    const orders = series.series.find((s) => s.key.relname === 'orders');
    expect(orders?.points.at(-1)?.n_live_tup).toBe(2000);
    expect(out.top_queries).toMatchObject({
      queries: [{ queryid: '42', query: 'SELECT * FROM orders WHERE customer_id = $1' }],
    });
    expect(out.query_history).toMatchObject({ queryid: '42', totals: { calls: 10 } });
    expect(out.table_health).toMatchObject({
      database: app.name,
      tables: expect.arrayContaining([
        expect.objectContaining({ relname: 'orders', hasPrimaryKey: true }),
      ]),
    });
    expect(out.index_health).toMatchObject({
      indexes: expect.arrayContaining([
        expect.objectContaining({ indexrelname: 'orders_customer' }),
      ]),
    });
    expect(out.index_advice).toMatchObject({ database: app.name, advice: expect.any(Array) });
    expect((out.settings_changes as { nonDefault: unknown[] }).nonDefault.length).toBeGreaterThan(
      0,
    );
    expect(out.blocking_now).toMatchObject({ blocked: 0 });
    expect((out.live_sessions as { totalSessions: number }).totalSessions).toBeGreaterThan(0);
    expect(out.replication_status).toMatchObject({
      standby: false,
      topology: { nodes: expect.any(Array) },
    });
    expect(out.readiness).toMatchObject({
      purpose: 'migration',
      database: app.name,
      verdict: expect.stringMatching(/^(ready|ready_with_warnings|blocked)$/),
      checks: expect.arrayContaining([
        expect.objectContaining({ key: 'replica_identity', status: 'ok' }),
      ]),
    });
    expect(out.explain_query).toMatchObject({
      genericPlan: false,
      plan: { Plan: { 'Node Type': 'Index Scan', 'Index Name': 'orders_pkey' } },
    });
  });

  it('explains a parameterised statement with a generic plan, and runs nothing else', async () => {
    const client = await connect((await token('admin')).token);
    const call = async (a: Record<string, unknown>) =>
      (await client.callTool({
        name: 'explain_query',
        arguments: { serverId: ids.server, ...a },
      })) as CallToolResult;
    const text = (r: CallToolResult) =>
      r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    if (major >= 16) {
      const generic = await call({ queryid: '42' });
      expect(generic.isError ?? false, text(generic)).toBe(false);
      expect(generic.structuredContent).toMatchObject({
        genericPlan: true,
        plan: { Plan: expect.any(Object) },
      });
    }
    const semicolon = await call({ statement: 'SELECT $1; DROP TABLE orders' });
    expect(text(semicolon)).toMatch(/may not contain `;`/);
    // a second statement cannot ride along: the table is still there afterwards
    const two = await call({ statement: 'SELECT 1; DROP TABLE orders' });
    expect(two.isError).toBe(true);
    expect(text(two)).toMatch(/42601|multiple commands/);
    const analyze = await call({ statement: 'EXPLAIN ANALYZE SELECT 1' });
    expect(analyze.isError).toBe(true);
    expect(text(analyze)).toMatch(/without EXPLAIN/);
    const bad = await call({ statement: 'SELECT * FROM no_such_table' });
    expect(text(bad)).toMatch(/42P01/);
    const check = new pg.Client({ connectionString: app.url });
    await check.connect();
    const { rows } = await check.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    await check.end();
    expect(rows[0]!.n).toBe(2000);
  });

  it("refuses explain_query to a viewer and to a read-only token, and audits each call with the tool's name", async () => {
    const viewer = await connect((await token('viewer')).token);
    const refused = (await viewer.callTool({
      name: 'explain_query',
      arguments: { serverId: ids.server, statement: 'SELECT 1' },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(refused.content[0]).toMatchObject({
      text: expect.stringMatching(/needs the editor role; you are viewer/),
    });
    const reader = await connect((await token('editor', 'read')).token);
    const readOnly = (await reader.callTool({
      name: 'explain_query',
      arguments: { serverId: ids.server, statement: 'SELECT 1' },
    })) as CallToolResult;
    expect(readOnly.isError).toBe(true);
    expect(readOnly.content[0]).toMatchObject({ text: expect.stringMatching(/may only read/) });
    // a read-only token still reads through the same POST
    const ok = (await reader.callTool({ name: 'fleet_status', arguments: {} })) as CallToolResult;
    expect(ok.isError ?? false).toBe(false);
    const audit = await ds.db.query<{
      actor: string;
      target_id: string;
      details: Record<string, unknown>;
    }>(`SELECT actor, target_id, details FROM audit_log WHERE action = 'mcp.call' ORDER BY id`);
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          target_id: 'explain_query',
          actor: expect.stringMatching(/^viewer \(token \d+\)$/),
          details: { ok: false, error: 'forbidden' },
        }),
        expect.objectContaining({
          target_id: 'fleet_status',
          actor: expect.stringMatching(/^editor \(token/),
          details: { ok: true },
        }),
        expect.objectContaining({ target_id: 'metric_series', details: { ok: true } }),
      ]),
    );
    // the statement itself is not written to the log
    expect(JSON.stringify(audit)).not.toContain('SELECT 1');
  });

  it('refuses a revoked token and a missing one with 401', async () => {
    const t = await token('admin');
    await connect(t.token);
    await revokeApiToken(ds.db, userIds.admin!, t.id, new Date());
    await expect(connect(t.token)).rejects.toThrow(/401|unauthorized/i);
    const anonymous = await fetch(`${http.url}/api/v1/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('has no assistant unless a language model is configured', async () => {
    const res = await call(askRoute.POST as unknown as Handler, {
      method: 'POST',
      token: (await token('admin')).token,
      body: { question: 'How is the fleet?' },
    });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ hint: expect.stringMatching(/PGVIGIL_LLM_BASE_URL/) });
  });

  it('answers bad arguments with a clear tool error, never a 5xx', async () => {
    const client = await connect((await token('admin')).token);
    const cases: [string, unknown, RegExp][] = [
      [
        'metric_series',
        { serverId: 'one', probe: 'tables', columns: ['n_live_tup'] },
        /serverId: .*number/,
      ],
      [
        'metric_series',
        { serverId: ids.server, probe: 'tables', columns: ['nope'] },
        /no column nope.*Numeric columns of tables: .*n_live_tup/,
      ],
      [
        'metric_series',
        { serverId: ids.server, probe: 'nothing', columns: ['x'] },
        /No probe named nothing/,
      ],
      [
        'metric_series',
        {
          serverId: ids.server,
          probe: 'tables',
          columns: ['n_live_tup'],
          from: '2026-01-02T00:00:00Z',
          to: '2026-01-01T00:00:00Z',
        },
        /`from` must be before `to`/,
      ],
      ['server_overview', { serverId: 999999 }, /Server 999999 was not found/],
      [
        'server_overview',
        { serverId: ids.server, srvId: 1 },
        /srvId: not an argument of server_overview/,
      ],
      ['investigate_alert', { alertId: 999999 }, /Alert 999999 was not found/],
      ['query_history', { serverId: ids.server, queryid: 'DROP' }, /queryid/],
      ['explain_query', { serverId: ids.server }, /either `statement` or `queryid`/],
      ['no_such_tool', {}, /No tool is named no_such_tool/],
    ];
    for (const [name, a, message] of cases) {
      const r = (await client.callTool({
        name,
        arguments: a as Record<string, unknown>,
      })) as CallToolResult;
      expect(r.isError, name).toBe(true);
      expect(r.content[0], `${name} ${JSON.stringify(a)}`).toMatchObject({
        text: expect.stringMatching(message),
      });
    }
    // malformed JSON-RPC at the HTTP level is a 400 in the API's error shape
    const t = (await token('admin')).token;
    for (const body of ['{', '[]', '{"jsonrpc":"1.0","method":"x"}', '{"jsonrpc":"2.0"}']) {
      const res = await fetch(`${http.url}/api/v1/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toMatchObject({ error: { code: 'validation_failed' } });
    }
  });
});
