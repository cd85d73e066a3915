import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  serverUrl,
  startSshd,
  testMajors,
  type TestDatastore,
  type TestSshd,
} from '@pgvigil/db/testing';
import { closeTunnels, generateSshKeyPair } from '@pgvigil/probes';
import * as serverById from '@/app/api/v1/servers/[id]/route';
import * as hostKeyRoute from '@/app/api/v1/servers/[id]/ssh-host-key/route';
import * as servers from '@/app/api/v1/servers/route';
import * as testRoute from '@/app/api/v1/servers/test/route';
import * as publicKeyRoute from '@/app/api/v1/ssh/public-key/route';
import { call, firstAdminCookie, type Handler, webDatastore } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;

/** The registry and test-connection through a real sshd, with the installation key. */
describe(`SSH bastions through the API, on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let sshd: TestSshd;
  let cookie = '';
  let serverId = 0;
  const test = () =>
    call(h(testRoute.POST), { method: 'POST', cookie, body: { serverId } }).then((r) => r.json);

  beforeAll(async () => {
    [ds, sshd] = await Promise.all([webDatastore(major), startSshd()]);
    cookie = await firstAdminCookie();
  });
  afterAll(async () => {
    closeTunnels();
    await sshd?.stop();
    await ds?.drop();
  });

  it('shows one installation public key, made once', async () => {
    const first = await call(h(publicKeyRoute.GET), { cookie });
    expect(first.status).toBe(200);
    expect(first.json.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ pgvigil$/);
    expect((await call(h(publicKeyRoute.GET), { cookie })).json).toEqual(first.json);
    await sshd.authorize([String(first.json.publicKey)]);
  });

  it('registers a server behind the bastion and pins the host key on the first good test', async () => {
    const u = new URL(serverUrl(major));
    const created = await call(h(servers.POST), {
      method: 'POST',
      cookie,
      body: {
        name: 'behind-bastion',
        url: `${serverUrl(major)}?sslmode=disable`,
        host: '127.0.0.1',
        port: Number(u.port),
        ssh: { host: '127.0.0.1', port: sshd.port, username: sshd.username },
      },
    });
    expect(created.status).toBe(201);
    const server = created.json.server as { id: number; ssh: unknown };
    serverId = server.id;
    expect(server.ssh).toEqual({
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.username,
      hasPrivateKey: false,
      hostKey: null,
    });
    const result = await test();
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ ok: true, tunnel: { hostKey: sshd.hostKey, pinned: true } });
    const read = await call(h(serverById.GET), { cookie, params: { id: String(serverId) } });
    expect((read.json.server as { ssh: { hostKey: string } }).ssh.hostKey).toBe(sshd.hostKey);
  });

  it('a changed host key fails the test until the pin is cleared', async () => {
    const pinned = sshd.hostKey;
    await sshd.rotateHostKey();
    const refused = await test();
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'ssh_host_key_mismatch',
        ssh: { expectedHostKey: pinned, presentedHostKey: sshd.hostKey },
      },
    });
    const cleared = await call(h(hostKeyRoute.DELETE), {
      method: 'DELETE',
      cookie,
      params: { id: String(serverId) },
    });
    expect(cleared.status).toBe(204);
    expect(await test()).toMatchObject({ ok: true, tunnel: { hostKey: sshd.hostKey } });
  });

  it('an uploaded key is sealed, never returned, and used instead of the installation key', async () => {
    const own = generateSshKeyPair('uploaded');
    const body = own.privateKey.split('\n')[1]!;
    const patched = await call(h(serverById.PATCH), {
      method: 'PATCH',
      cookie,
      params: { id: String(serverId) },
      body: {
        ssh: {
          host: '127.0.0.1',
          port: sshd.port,
          username: sshd.username,
          privateKey: own.privateKey,
        },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.text).not.toContain(body);
    expect((patched.json.server as { ssh: { hasPrivateKey: boolean } }).ssh.hasPrivateKey).toBe(
      true,
    );
    // not authorized yet: refused, with the line to add
    const refused = await test();
    expect(refused).toMatchObject({ ok: false, error: { code: 'ssh_auth_refused' } });
    expect(JSON.stringify(refused)).not.toContain(body);
    expect((refused.error as { fix: string }).fix).toContain(own.publicKey.split(' ')[1]);
  });
});
