import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@pgvigil/db/embedded';
import { serverUrl, startSshd, testMajors, type TestSshd } from '@pgvigil/db/testing';
import {
  closeTunnels,
  connectionSettingsSchema,
  connectTarget,
  describePrivateKey,
  generateSshKeyPair,
  openTunnels,
  testConnection,
  type ConnectionSettings,
  type Resolver,
  type SshSettings,
} from '@pgvigil/probes';

/** A real sshd on loopback as the bastion, in front of the run's PostgreSQL. */
const major = testMajors()[testMajors().length - 1] ?? 18;
let sshd: TestSshd;
const key = generateSshKeyPair();
const target = () => {
  const url = new URL(serverUrl(major));
  return {
    host: '127.0.0.1',
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
};

function settings(ssh: Partial<SshSettings> = {}, over: object = {}): ConnectionSettings {
  return connectionSettingsSchema.parse({
    ...target(),
    dbname: 'postgres',
    sslmode: 'disable',
    ssh: {
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.username,
      privateKey: key.privateKey,
      ...ssh,
    },
    ...over,
  });
}

beforeAll(async () => {
  sshd = await startSshd();
  await sshd.authorize([key.publicKey]);
});
afterAll(async () => {
  closeTunnels();
  await sshd?.stop();
});

describe('SSH tunnel through a real sshd', () => {
  it('connects with key auth, reports the host key, and shares one tunnel per bastion', async () => {
    const result = await testConnection(settings());
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.tunnel).toEqual({
      bastion: `${sshd.username}@127.0.0.1:${sshd.port}`,
      hostKey: sshd.hostKey,
      pinned: false,
    });
    closeTunnels();
    const a = await connectTarget(settings({ hostKey: sshd.hostKey }));
    const b = await connectTarget(settings({ hostKey: sshd.hostKey }));
    if (!a.ok || !b.ok) throw new Error('no session');
    expect(a.connection.tunnel?.pinned).toBe(true);
    // one SSH connection carries both sessions (and maybe the closing SSLRequest channel)
    const tunnels = openTunnels();
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]!.channels).toBeGreaterThanOrEqual(2);
    await a.connection.client.end();
    await b.connection.client.end();
  });

  it('refuses a key the bastion does not know, with its fingerprint and the line to add', async () => {
    const other = generateSshKeyPair();
    const result = await testConnection(settings({ privateKey: other.privateKey }));
    expect(result.error?.code).toBe('ssh_auth_refused');
    const described = describePrivateKey(other.privateKey)!;
    expect(result.error?.cause).toContain(described.fingerprint);
    expect(result.error?.fix).toContain(described.authorizedKeysLine);
  });

  it('refuses an unparseable key before connecting', async () => {
    const result = await testConnection(settings({ privateKey: 'not a key' }));
    expect(result.error?.code).toBe('ssh_key_unusable');
  });

  it('classifies a closed SSH port and a database the bastion cannot reach', async () => {
    const closed = await freePort();
    expect((await testConnection(settings({ port: closed }))).error?.code).toBe(
      'ssh_connection_refused',
    );
    const noDb = await testConnection(settings({}, { port: await freePort() }));
    expect(noDb.error?.code).toBe('ssh_database_unreachable');
  });

  it('never forwards to an address the outbound policy refuses, before any socket opens', async () => {
    let asked = 0;
    const resolve: Resolver = (host) => {
      asked += 1;
      return Promise.resolve(
        host === 'metadata.test'
          ? [{ address: '169.254.169.254', family: 4 }]
          : [{ address: '127.0.0.1', family: 4 }],
      );
    };
    closeTunnels();
    const result = await connectTarget(settings({}, { host: 'metadata.test' }), { resolve });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure.code).toBe('address_refused');
    expect(asked).toBe(1);
    // no tunnel was even opened to the bastion
    expect(openTunnels()).toHaveLength(0);
    const nowhere = await connectTarget(settings({ host: 'bastion.nowhere.test' }), {
      resolve: (host) => (host === 'bastion.nowhere.test' ? Promise.resolve([]) : resolve(host)),
    });
    expect(!nowhere.ok && nowhere.failure.code).toBe('ssh_bastion_unreachable');
    const literal = await connectTarget(settings({}, { host: '169.254.169.254' }));
    expect(!literal.ok && literal.failure.code).toBe('address_refused');
    expect(openTunnels()).toHaveLength(0);
  });

  it('refuses a changed host key without authenticating, naming both fingerprints', async () => {
    const pinned = sshd.hostKey;
    await sshd.rotateHostKey();
    const result = await testConnection(settings({ hostKey: pinned }));
    expect(result.error?.code).toBe('ssh_host_key_mismatch');
    expect(result.error?.ssh).toMatchObject({
      expectedHostKey: pinned,
      presentedHostKey: sshd.hostKey,
    });
    expect(result.error?.cause).toContain(pinned);
    expect(result.error?.cause).toContain(sshd.hostKey);
  });

  it('classifies forwarding disabled on the bastion', async () => {
    await sshd.setForwarding(false);
    try {
      const result = await testConnection(settings());
      expect(result.error?.code).toBe('ssh_forwarding_refused');
      expect(result.error?.fix).toContain('AllowTcpForwarding');
    } finally {
      await sshd.setForwarding(true);
    }
  });
});

describe('SSH tunnel timeouts', () => {
  it('classifies a bastion that accepts TCP but never speaks SSH as a timeout', async () => {
    const held: Socket[] = [];
    const silent = createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const result = await testConnection(settings({ port }), { timeoutMs: 500 });
      expect(result.error?.code).toBe('ssh_timeout');
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
