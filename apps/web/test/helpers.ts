import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatastore, type TestDatastore } from '@pgvigil/db/testing';
import type { Major } from '@pgvigil/db/embedded';
import { PEER_HEADER, trustPeerHeader } from '@/server/auth/peer';

export const BASE = 'http://localhost:3000';

/** Points the web app's env at a fresh datastore; call before any handler runs. */
export async function webDatastore(major: Major): Promise<TestDatastore> {
  const ds = await freshDatastore(major);
  process.env.DATABASE_URL = ds.url;
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-web-'));
  process.env.PGVIGIL_HOME = home;
  process.env.PGVIGIL_SECRET_KEY = randomBytes(32).toString('hex');
  process.env.PGVIGIL_BASE_URL = BASE;
  // as pgvigil's own server does (apps/web/server/main.ts): the peer header is believed
  trustPeerHeader();
  return { ...ds, drop: () => ds.drop().then(() => rm(home, { recursive: true, force: true })) };
}

export type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

export interface CallOptions {
  method?: string;
  path?: string;
  body?: unknown;
  /** raw body text, for malformed input */
  raw?: string;
  cookie?: string;
  token?: string;
  origin?: string | null;
  /** the socket address pgvigil's server would report; default loopback */
  peer?: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

export async function call(
  handler: Handler,
  o: CallOptions = {},
): Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Headers }> {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = {
    host: 'localhost:3000',
    'x-forwarded-for': '198.51.100.250',
    [PEER_HEADER]: o.peer ?? '127.0.0.1',
  };
  Object.assign(headers, o.headers ?? {});
  if (o.cookie) headers.cookie = o.cookie;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const origin = o.origin === undefined ? BASE : o.origin;
  if (origin) headers.origin = origin;
  const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const request = new Request(`${BASE}${o.path ?? '/api/v1/x'}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const response = await handler(request, { params: Promise.resolve(o.params ?? {}) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = {};
  }
  return { status: response.status, json, text, headers: response.headers };
}

/** `name=value` of the session cookie a response set. */
export function sessionCookie(headers: Headers): string {
  const set = headers.get('set-cookie') ?? '';
  return set.split(';')[0] ?? '';
}

/**
 * Creates the first admin through the setup route (on a fresh datastore) and returns
 * its session cookie.
 */
export async function firstAdminCookie(
  username = 'admin',
  password = 'violet-harbour-42',
): Promise<string> {
  const setup = await import('@/app/api/v1/setup/route');
  const created = await call(setup.POST as unknown as Handler, {
    method: 'POST',
    body: { username, password },
  });
  return sessionCookie(created.headers);
}

/**
 * Serves one route handler over real HTTP on a loopback port, as pgvigil's own
 * server hands requests to Next.js (the peer address in its header), for clients
 * that speak HTTP themselves (the MCP SDK's client).
 */
export async function serveHandler(
  handler: Handler,
  method = 'POST',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    // as Next.js answers a method the route does not export
    if (req.method !== method) {
      res.writeHead(405, { allow: method });
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string') headers.set(k, v);
      headers.set(PEER_HEADER, req.socket.remoteAddress ?? '127.0.0.1');
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const request = new Request(`${BASE}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body && req.method !== 'GET' ? { body } : {}),
      });
      handler(request, { params: Promise.resolve({}) })
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(599);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
