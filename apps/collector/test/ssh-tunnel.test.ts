import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getServerOverview } from '@pgvigil/db/dashboard';
import { createServer, ensureInstallationSshKey, getServer } from '@pgvigil/db/registry';
import {
  freshDatastore,
  serverUrl,
  startSshd,
  testMajors,
  type TestDatastore,
  type TestSshd,
} from '@pgvigil/db/testing';
import { closeTunnels, generateSshKeyPair } from '@pgvigil/probes';
import type { Collector } from '../src/collector';
import { box, count, testCollector, waitFor } from './helpers';

const major = testMajors().at(-1)!;

/** The collector reaching a server only through a real sshd, which then dies and returns. */
describe(`collecting through an SSH bastion on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  let sshd: TestSshd;
  let collector: Collector;
  let serverId: number;
  const status = async () =>
    (
      await ds.db.query<{ state: string; error_code: string | null; via: string | null }>(
        'SELECT state, error_code, via FROM server_status WHERE server_id = $1',
        [serverId],
      )
    )[0];
  const upSamples = () =>
    count(ds.db, 'SELECT count(*)::int AS n FROM metrics.connectivity WHERE up');

  beforeAll(async () => {
    [ds, sshd] = await Promise.all([freshDatastore(major), startSshd()]);
    // the installation key, authorized on the bastion as an admin would
    await sshd.authorize([await ensureInstallationSshKey(ds.db, box, generateSshKeyPair)]);
    const u = new URL(serverUrl(major));
    const server = await createServer(ds.db, box, {
      name: 'behind-bastion',
      host: '127.0.0.1',
      port: Number(u.port),
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      sslmode: 'disable',
      ssh: { host: '127.0.0.1', port: sshd.port, username: sshd.username },
    });
    serverId = server.id;
    collector = testCollector(ds.db, 'through-ssh');
    await collector.start();
  });
  afterAll(async () => {
    await collector?.stop();
    closeTunnels();
    await sshd?.stop();
    await ds?.drop();
  });

  it('collects through the tunnel, pins the host key and shows the route in the status', async () => {
    await waitFor(async () => (await upSamples()) > 0, 'samples through the tunnel');
    await waitFor(
      () =>
        count(ds.db, 'SELECT count(*)::int AS n FROM metrics.database_stats').then((n) => n > 0),
      'database probes through the tunnel',
    );
    expect(await status()).toMatchObject({
      state: 'up',
      via: `ssh ${sshd.username}@127.0.0.1:${sshd.port}`,
    });
    expect((await getServer(ds.db, serverId)).ssh?.hostKey).toBe(sshd.hostKey);
    const overview = await getServerOverview({
      db: ds.db,
      input: { id: serverId },
      at: new Date(),
    });
    expect(overview.via).toBe(`ssh ${sshd.username}@127.0.0.1:${sshd.port}`);
    expect(collector.sessionsInUse().get(serverId)).toBeLessThanOrEqual(2);
  });

  it('a killed bastion is a classified down, and collection resumes when it returns', async () => {
    await sshd.kill();
    const down = await waitFor(
      async () => ((await status())?.state === 'down' ? status() : null),
      'server marked down',
    );
    expect(down?.error_code).toBe('ssh_connection_refused');
    await sshd.start();
    const before = await upSamples();
    await waitFor(async () => (await status())?.state === 'up', 'server up again');
    await waitFor(async () => (await upSamples()) > before, 'samples after the bastion returned');
  });

  it('a changed bastion host key stops collection with both fingerprints', async () => {
    const pinned = sshd.hostKey;
    await sshd.rotateHostKey();
    const down = await waitFor(
      async () => ((await status())?.state === 'down' ? status() : null),
      'server marked down',
    );
    expect(down?.error_code).toBe('ssh_host_key_mismatch');
    const message = await ds.db.query<{ error_message: string }>(
      'SELECT error_message FROM server_status WHERE server_id = $1',
      [serverId],
    );
    expect(message[0]?.error_message).toContain(pinned);
    expect(message[0]?.error_message).toContain(sshd.hostKey);
  });
});
