import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, serverOsUser } from '../embedded/index';

export const PATRONI = '/usr/bin/patroni';
export const ETCD = '/usr/bin/etcd';
/** Debian's postgresql-15 (a dependency of its patroni package): it has pg_basebackup. */
export const PATRONI_PG_BIN = '/usr/lib/postgresql/15/bin';
export const PATRONI_SUPERUSER_PASSWORD = 'patroni-test';

/** Why the Patroni tests cannot run here, or null when they can. */
export function patroniUnavailable(): string | null {
  for (const file of [PATRONI, ETCD, path.join(PATRONI_PG_BIN, 'pg_basebackup')])
    if (!existsSync(file))
      return `${file} is missing: install patroni and etcd-server (npm test installs them as root)`;
  return null;
}

export interface PatroniMember {
  name: string;
  /** REST API base, http://127.0.0.1:<port> */
  api: string;
  pgPort: number;
  dataDir: string;
  running: boolean;
}

export interface TestPatroni {
  scope: string;
  members: PatroniMember[];
  /** the REST API of the first member: what pgvigil is given */
  api: string;
  /** a superuser connection string to a member */
  url(member: PatroniMember): string;
  /** resolves once `member` is the leader and every other running member streams */
  settled(leader?: string): Promise<void>;
  /**
   * pg_ctl stop or start of one member's PostgreSQL behind Patroni's back (what an
   * operator does in maintenance mode: Patroni then leaves it as it is).
   */
  pgCtl(member: PatroniMember, action: 'stop' | 'start'): void;
  /** SIGKILL of one member's Patroni and its postmaster: a crashed host */
  kill(member: PatroniMember): Promise<void>;
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getJson(url: string): Promise<unknown> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

interface ClusterJson {
  members?: { name: string; role: string; state: string }[];
}

/**
 * A real Patroni cluster (Debian's patroni 3 over a one-node etcd, Debian's
 * PostgreSQL 15) with `size` members on loopback ports. As root, Patroni and
 * PostgreSQL run as the `postgres` OS user. Resolves once the first member leads
 * and every other member streams from it. Polls are readiness checks, not clocks.
 */
export async function startPatroni(size = 1, options: { ttl?: number } = {}): Promise<TestPatroni> {
  const why = patroniUnavailable();
  if (why) throw new Error(why);
  const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-patroni-'));
  const osUser = serverOsUser();
  const scope = `pgvigil-${path.basename(dir).slice(-6).toLowerCase()}`;
  const procs: ChildProcess[] = [];
  const spawnAs = (cmd: string, args: string[]) => {
    const child = spawn(cmd, args, {
      stdio: 'ignore',
      ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
    });
    procs.push(child);
    return child;
  };
  if (osUser) await chown(dir, osUser.uid, osUser.gid);

  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const etcd = spawnAs(ETCD, [
    '--name=e1',
    `--data-dir=${path.join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=e1=http://127.0.0.1:${peerPort}`,
  ]);

  const members: (PatroniMember & { proc: ChildProcess | null; config: string })[] = [];
  for (let i = 1; i <= size; i++) {
    const [apiPort, pgPort] = [await freePort(), await freePort()];
    const name = `m${i}`;
    const config = path.join(dir, `${name}.yml`);
    // JSON is YAML: no YAML writer needed
    const body = {
      scope,
      name,
      log: { level: 'WARNING' },
      restapi: { listen: `127.0.0.1:${apiPort}`, connect_address: `127.0.0.1:${apiPort}` },
      etcd3: { hosts: `127.0.0.1:${clientPort}` },
      bootstrap: {
        dcs: {
          ttl: options.ttl ?? 20,
          loop_wait: 1,
          // Patroni wants loop_wait + 2 * retry_timeout <= ttl
          retry_timeout: Math.min(5, Math.floor(((options.ttl ?? 20) - 1) / 2)),
          maximum_lag_on_failover: 1048576,
          postgresql: { use_pg_rewind: true, parameters: { wal_log_hints: 'on' } },
        },
        initdb: [{ encoding: 'UTF8' }],
      },
      postgresql: {
        listen: `127.0.0.1:${pgPort}`,
        connect_address: `127.0.0.1:${pgPort}`,
        data_dir: path.join(dir, name),
        bin_dir: PATRONI_PG_BIN,
        pgpass: path.join(dir, `${name}.pgpass`),
        authentication: {
          replication: { username: 'replicator', password: 'replicator-test' },
          superuser: { username: 'postgres', password: PATRONI_SUPERUSER_PASSWORD },
          rewind: { username: 'postgres', password: PATRONI_SUPERUSER_PASSWORD },
        },
        parameters: { unix_socket_directories: dir, shared_buffers: '16MB', max_connections: 30 },
        pg_hba: [
          'local all all trust',
          'host all all 127.0.0.1/32 md5',
          'host replication replicator 127.0.0.1/32 md5',
        ],
      },
    };
    await writeFile(config, JSON.stringify(body, null, 1));
    members.push({
      name,
      dataDir: path.join(dir, name),
      api: `http://127.0.0.1:${apiPort}`,
      pgPort,
      running: false,
      proc: null,
      config,
    });
  }

  const startMember = (m: (typeof members)[number]) => {
    m.proc = spawnAs(PATRONI, [m.config]);
    m.running = true;
  };

  // Ready when `leader` leads and every other running member is a running replica,
  // as the cluster reads through any running member's API.
  const settled = async (leader = 'm1') => {
    for (let i = 0; i < 600; i++) {
      if (etcd.exitCode !== null) throw new Error('etcd exited');
      const api = members.find((m) => m.running)?.api ?? members[0]!.api;
      const json = (await getJson(`${api}/cluster`)) as ClusterJson | null;
      const live = members.filter((m) => m.running);
      const seen = json?.members ?? [];
      const ok = live.every((m) => {
        const s = seen.find((x) => x.name === m.name);
        return s?.state === 'running' && s.role === (s.name === leader ? 'leader' : 'replica');
      });
      if (ok && json !== null) return;
      await pause(200);
    }
    throw new Error(`the Patroni cluster did not settle with ${leader} leading`);
  };

  const killTree = (proc: ChildProcess | null, signal: NodeJS.Signals) => {
    if (proc?.pid && proc.exitCode === null) proc.kill(signal);
  };

  const kill = async (member: PatroniMember) => {
    const m = members.find((x) => x.name === member.name)!;
    const postmaster = path.join(dir, m.name, 'postmaster.pid');
    const pid = Number((await readFile(postmaster, 'utf8').catch(() => '')).split('\n')[0]);
    killTree(m.proc, 'SIGKILL');
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    m.running = false;
  };

  // The first member bootstraps; the others start once it holds the DCS's initialize
  // key (so none of them races it for the bootstrap), wait for a leader, then clone it.
  const initialized = async () => {
    const key = Buffer.from(`/service/${scope}/initialize`).toString('base64');
    for (let i = 0; i < 600; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${clientPort}/v3/kv/range`, {
          method: 'POST',
          body: JSON.stringify({ key }),
          signal: AbortSignal.timeout(2_000),
        });
        if (res.ok && ((await res.json()) as { count?: string }).count === '1') return;
      } catch {
        // etcd not up yet
      }
      await pause(100);
    }
    throw new Error('the first Patroni member did not take the initialize key');
  };
  try {
    startMember(members[0]!);
    if (members.length > 1) await initialized();
    for (const m of members.slice(1)) startMember(m);
    await settled('m1');
  } catch (err) {
    for (const p of procs) killTree(p, 'SIGKILL');
    throw err;
  }

  return {
    scope,
    members,
    api: members[0]!.api,
    url: (m) => `postgres://postgres:${PATRONI_SUPERUSER_PASSWORD}@127.0.0.1:${m.pgPort}/postgres`,
    settled,
    pgCtl: (member, action) => {
      const args = [
        '-D',
        member.dataDir,
        '-w',
        '-t',
        '60',
        action,
        ...(action === 'stop' ? ['-m', 'fast'] : []),
      ];
      execFileSync(path.join(PATRONI_PG_BIN, 'pg_ctl'), args, {
        stdio: 'ignore',
        ...(osUser ? { uid: osUser.uid, gid: osUser.gid } : {}),
      });
    },
    kill,
    // The test is over: no graceful shutdown to wait for, the folder goes with it.
    stop: async () => {
      for (const m of members) if (m.running) await kill(m);
      const etcdExit = new Promise((r) => etcd.once('exit', r));
      killTree(etcd, 'SIGKILL');
      if (etcd.exitCode === null) await etcdExit;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
