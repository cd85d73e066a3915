import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PATRONI_SUPERUSER_PASSWORD,
  serverUrl,
  startPatroni,
  testMajors,
  type TestDatastore,
} from '@pgvigil/db/testing';
import * as clusters from '@/app/api/v1/clusters/route';
import * as patroni from '@/app/api/v1/clusters/[id]/patroni/route';
import * as members from '@/app/api/v1/clusters/[id]/patroni/members/route';
import * as server from '@/app/api/v1/servers/[id]/route';
import { call, firstAdminCookie, type Handler, webDatastore } from './helpers';

const major = testMajors()[testMajors().length - 1] ?? 18;
const h = (fn: unknown) => fn as Handler;

/**
 * A real HTTP server on loopback answering Patroni's documented GETs for a two-member
 * cluster (Patroni 3.0's shapes): m1 the leader at the run's PostgreSQL, m2 a replica.
 */
async function patroniStandIn(pgPort: number) {
  const member = (name: string, role: string, state: string, port: number) => ({
    name,
    role,
    state,
    api_url: `http://127.0.0.1:0/patroni`,
    host: '127.0.0.1',
    port,
    timeline: 3,
    ...(role === 'leader' ? {} : { lag: 0 }),
  });
  const answers: Record<string, unknown> = {
    '/cluster': {
      members: [
        member('m1', 'leader', 'running', pgPort),
        member('m2', 'replica', 'streaming', pgPort + 1),
      ],
    },
    '/patroni': {
      state: 'running',
      role: 'master',
      server_version: 150010,
      timeline: 3,
      patroni: { version: '3.0.2', scope: 'orders' },
    },
    '/history': [[2, 50331808, 'no recovery target specified', '2026-12-06T21:59:50+00:00', 'm1']],
    '/config': { ttl: 30, loop_wait: 10, maximum_lag_on_failover: 1048576 },
  };
  const seen: string[] = [];
  const srv = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const body = answers[req.url ?? ''];
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not here</h1>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    seen,
    stop: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
}

describe('Patroni through the API, against a stand-in speaking its REST shape', () => {
  let ds: TestDatastore;
  let standIn: Awaited<ReturnType<typeof patroniStandIn>>;
  let cookie = '';
  const pgPort = Number(new URL(serverUrl(major)).port);

  beforeAll(async () => {
    [ds, standIn] = await Promise.all([webDatastore(major), patroniStandIn(pgPort)]);
    cookie = await firstAdminCookie();
  });
  afterAll(async () => {
    await standIn?.stop();
    await ds?.drop();
  });

  it('saves the URL once Patroni answers, registers the members with their roles', async () => {
    const created = await call(h(clusters.POST), {
      method: 'POST',
      cookie,
      body: { name: 'orders' },
    });
    expect(created.status).toBe(201);
    const id = String((created.json.cluster as { id: number }).id);

    // a URL with a path: the member's origin is what is read and stored
    const withPath = await call(h(patroni.PUT), {
      method: 'PUT',
      cookie,
      params: { id },
      body: { url: `${standIn.url}/nope/` },
    });
    expect(withPath.json.patroni).toMatchObject({ url: standIn.url, leader: 'm1' });
    // an address that is not Patroni is refused with the reason
    const notPatroni = await call(h(patroni.PUT), {
      method: 'PUT',
      cookie,
      params: { id },
      body: { url: 'http://127.0.0.1:1' },
    });
    expect(notPatroni.status).toBe(400);
    expect((notPatroni.json.error as { message: string }).message).toMatch(
      /^Patroni did not answer/,
    );

    const saved = await call(h(patroni.PUT), {
      method: 'PUT',
      cookie,
      params: { id },
      body: { url: standIn.url },
    });
    expect(saved.status).toBe(200);
    expect(saved.json.patroni).toMatchObject({
      url: standIn.url,
      leader: 'm1',
      timeline: 3,
      maximumLagOnFailover: 1048576,
      members: [
        { name: 'm1', role: 'leader', serverId: null },
        { name: 'm2', role: 'replica', serverId: null },
      ],
    });
    expect(standIn.seen).toEqual(expect.arrayContaining(['GET /cluster', 'GET /history']));

    const registered = await call(h(members.POST), {
      method: 'POST',
      cookie,
      params: { id },
      body: { username: 'pgvigil', password: 'watch-only-7', dbname: 'postgres' },
    });
    expect(registered.status).toBe(201);
    const servers = registered.json.servers as { id: number; name: string; port: number }[];
    expect(servers.map((s) => [s.name, s.port])).toEqual([
      ['orders-m1', pgPort],
      ['orders-m2', pgPort + 1],
    ]);
    for (const s of servers) {
      const one = await call(h(server.GET), { cookie, params: { id: String(s.id) } });
      expect(one.json.server).toMatchObject({ clusterId: Number(id), username: 'pgvigil' });
    }
    // again: nothing new, the members are servers already
    const again = await call(h(members.POST), {
      method: 'POST',
      cookie,
      params: { id },
      body: {},
    });
    expect(again.json.servers).toEqual([]);

    // what the cluster page's panel shows: each member with its role and its server
    const panel = await call(h(patroni.GET), { cookie, params: { id } });
    expect((panel.json.patroni as { members: unknown[] }).members).toEqual([
      expect.objectContaining({ name: 'm1', role: 'leader', serverId: servers[0]!.id }),
      expect.objectContaining({ name: 'm2', role: 'replica', serverId: servers[1]!.id }),
    ]);
  });

  // the same against Debian's patroni over etcd (about 30 s): with PGVIGIL_TEST_PATRONI=1
  it.skipIf(process.env.PGVIGIL_TEST_PATRONI !== '1')(
    'against a real Patroni: saves the URL, registers both members, leader and replica',
    { timeout: 180_000 },
    async () => {
      const real = await startPatroni(2);
      try {
        const created = await call(h(clusters.POST), {
          method: 'POST',
          cookie,
          body: { name: 'ha' },
        });
        const id = String((created.json.cluster as { id: number }).id);
        const saved = await call(h(patroni.PUT), {
          method: 'PUT',
          cookie,
          params: { id },
          body: { url: real.api },
        });
        expect(saved.status).toBe(200);
        const registered = await call(h(members.POST), {
          method: 'POST',
          cookie,
          params: { id },
          body: { username: 'postgres', password: PATRONI_SUPERUSER_PASSWORD },
        });
        expect(registered.status).toBe(201);
        expect((registered.json.servers as unknown[]).length).toBe(2);
        const panel = await call(h(patroni.GET), { cookie, params: { id } });
        const list = (
          panel.json.patroni as { members: { role: string; serverId: number | null }[] }
        ).members;
        const roles = list.map((m) => m.role);
        expect(roles).toContain('leader');
        expect(roles.find((r) => r !== 'leader')).toMatch(/^(replica|sync_standby)$/);
        expect(list.every((m) => m.serverId !== null)).toBe(true);
      } finally {
        await real.stop();
      }
    },
  );
});
