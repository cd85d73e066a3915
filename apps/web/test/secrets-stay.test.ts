import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl, testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as serverById from '@/app/api/v1/servers/[id]/route';
import * as exportRoute from '@/app/api/v1/servers/export/route';
import * as importRoute from '@/app/api/v1/servers/import/route';
import * as servers from '@/app/api/v1/servers/route';
import * as testRoute from '@/app/api/v1/servers/test/route';
import { call, firstAdminCookie, type Handler, webDatastore } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;

/**
 * A fake PostgreSQL server that asks every client for its password in clear text
 * (AuthenticationCleartextPassword) and keeps whatever arrives.
 */
async function passwordCatcher() {
  const received: Buffer[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    let asked = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      received.push(chunk);
      if (chunk.length === 8 && chunk.readInt32BE(4) === 80877103) return void socket.write('N');
      if (!asked) {
        asked = true;
        const cleartext = Buffer.alloc(9);
        cleartext.write('R', 0);
        cleartext.writeInt32BE(8, 1);
        cleartext.writeInt32BE(3, 5);
        socket.write(cleartext);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    heard: () => Buffer.concat(received).toString('latin1'),
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A stored password goes only to the host and port it was saved with. */
describe(`stored secrets never follow a new host, on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let catcher: Awaited<ReturnType<typeof passwordCatcher>>;
  let cookie = '';
  let serverId = 0;
  const real = new URL(serverUrl(major));
  const storedPassword = decodeURIComponent(real.password);

  beforeAll(async () => {
    ds = await webDatastore(major);
    catcher = await passwordCatcher();
    cookie = await firstAdminCookie();
    const created = await call(h(servers.POST), {
      method: 'POST',
      cookie,
      body: { name: 'prod-db', url: `${serverUrl(major)}?sslmode=disable` },
    });
    expect(created.status).toBe(201);
    serverId = (created.json.server as { id: number }).id;
  });
  afterAll(async () => {
    await catcher?.close();
    await ds?.drop();
  });

  it('testing a saved server against a new host or port without the password: 400, nothing sent', async () => {
    for (const change of [{ port: catcher.port }, { host: 'localhost', port: catcher.port }]) {
      const res = await call(h(testRoute.POST), {
        method: 'POST',
        cookie,
        body: { serverId, ...change },
      });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({
        fields: { password: expect.stringMatching(/enter it again/) },
      });
    }
    expect(catcher.connections).toBe(0);
    expect(catcher.heard()).not.toContain(storedPassword);
  });

  it('moving a saved server by PATCH or import without the password: 400, the server stays', async () => {
    const patch = await call(h(serverById.PATCH), {
      method: 'PATCH',
      cookie,
      params: { id: String(serverId) },
      body: { port: catcher.port },
    });
    expect(patch.status).toBe(400);
    const doc = (await call(h(exportRoute.GET), { cookie })).json as {
      servers: { port: number }[];
    };
    doc.servers[0]!.port = catcher.port;
    expect((await call(h(importRoute.POST), { method: 'POST', cookie, body: doc })).status).toBe(
      400,
    );
    const still = await call(h(serverById.GET), { cookie, params: { id: String(serverId) } });
    expect(still.json.server).toMatchObject({ port: Number(real.port), hasPassword: true });
    // the saved server still tests fine where it is
    const ok = await call(h(testRoute.POST), { method: 'POST', cookie, body: { serverId } });
    expect(ok.json.ok).toBe(true);
    expect(catcher.connections).toBe(0);
  });

  it('with the password typed again, the new host gets that one (the catcher does hear it)', async () => {
    const res = await call(h(testRoute.POST), {
      method: 'POST',
      cookie,
      body: { serverId, port: catcher.port, password: 'typed-again-for-new-host' },
    });
    expect(res.json.ok).toBe(false);
    expect(catcher.heard()).toContain('typed-again-for-new-host');
    expect(catcher.heard()).not.toContain(storedPassword);
  });
});
