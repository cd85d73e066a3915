import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serverUrl, testMajors } from '@pgvigil/db/testing';
import {
  connectionSettingsSchema,
  refusedAddress,
  resolveOutbound,
  testConnection,
  type Resolver,
} from '@pgvigil/probes';

const major = testMajors()[0] ?? 14;
/** A test name that "resolves" to the metadata address: no DNS, no packet. */
const toMetadata: Resolver = () => Promise.resolve([{ address: '169.254.169.254', family: 4 }]);

describe('outbound policy', () => {
  afterEach(() => vi.restoreAllMocks());

  it('refuses link-local and metadata addresses in every spelling, allows private and loopback', () => {
    for (const ip of [
      '169.254.169.254',
      '169.254.0.1',
      '169.254.170.2',
      'fe80::1',
      'fe80::1%eth0',
      'febf::1',
      'fd00:ec2::254',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
      '100.100.100.200',
    ])
      expect(refusedAddress(ip), ip).not.toBeNull();
    for (const ip of [
      '127.0.0.1',
      '10.0.0.5',
      '192.168.1.10',
      '172.16.0.1',
      '::1',
      'fd00::5',
      '8.8.8.8',
      '169.253.255.255',
      '169.255.0.1',
    ])
      expect(refusedAddress(ip), ip).toBeNull();
  });

  it('checks every address a name has, and literal addresses as they are', async () => {
    const mixed: Resolver = () =>
      Promise.resolve([
        { address: '10.0.0.5', family: 4 },
        { address: 'fd00:ec2::254', family: 6 },
      ]);
    await expect(resolveOutbound('db.example.test', mixed)).rejects.toThrow(/fd00:ec2::254/);
    await expect(resolveOutbound('[fe80::1]')).rejects.toThrow(/link-local/);
    expect(await resolveOutbound('127.0.0.1')).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });

  it('test-connection to a name resolving to 169.254.169.254 is refused before any socket opens', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const url = new URL(serverUrl(major));
    const result = await testConnection(
      connectionSettingsSchema.parse({
        host: 'metadata.pgvigil.test',
        port: Number(url.port),
        user: 'postgres',
        password: 'not-sent',
        sslmode: 'disable',
      }),
      { resolve: toMetadata, timeoutMs: 5_000 },
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: 'address_refused' });
    expect(connect).not.toHaveBeenCalled();
  });

  it('a name resolved by the policy is where the session goes (no second lookup)', async () => {
    // the same spy sees the sockets a real attempt opens, so its silence above means something
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const url = new URL(serverUrl(major));
    const asked: string[] = [];
    const result = await testConnection(
      connectionSettingsSchema.parse({
        host: 'monitored.pgvigil.test',
        port: Number(url.port),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        sslmode: 'disable',
      }),
      {
        resolve: (host) => {
          asked.push(host);
          return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
        },
      },
    );
    expect(result.ok).toBe(true);
    expect(asked).toEqual(['monitored.pgvigil.test']);
    expect(connect).toHaveBeenCalled();
  });
});
