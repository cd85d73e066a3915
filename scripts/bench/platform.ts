// The whole platform as `npm start` runs it, for the fault benchmarks: started on a
// temporary home, its processes found by what they run, its datastore reachable,
// an admin session and a webhook sink that counts what arrives.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@pgvigil/db/embedded';

const root = path.join(import.meta.dirname, '..', '..');

export type AppName = 'collector' | 'alerter' | 'web' | 'datastore';
const MARKS: Record<AppName, RegExp> = {
  // `npm start` runs both in one engine process; a collector or alerter of its own
  // is found too
  collector: /dist\/runtime\/(collector|engine)\.mjs/,
  alerter: /dist\/runtime\/(alerter|engine)\.mjs/,
  web: /dist\/runtime\/web\.mjs|next\/dist\/bin\/next\0start|next-server/,
  datastore: /bin\/postgres\0-D/,
};

async function processes(): Promise<{ pid: number; ppid: number; cmd: string }[]> {
  const found: { pid: number; ppid: number; cmd: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      found.push({ pid: Number(entry), ppid, cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Resident MB of a process, or null when it is gone. */
export async function rssMb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const kb = status ? /VmRSS:\s+(\d+)/.exec(status)?.[1] : undefined;
  return kb ? (Number(kb) * 1024) / 1e6 : null;
}

export interface Platform {
  baseUrl: string;
  home: string;
  cookie: string;
  /** the supervisor: the bootstrap process, running dist/runtime/start.mjs */
  supervisorPid: number;
  /** the current pid of each supervised app and of the datastore's postmaster */
  pids(): Promise<Partial<Record<AppName, number>>>;
  datastoreUrl(): Promise<string>;
  log(): string;
  stop(): Promise<void>;
}

/** Starts the platform on a free port and a temporary home, and signs the admin in. */
export async function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-platform-'));
  await chmod(home, 0o755);
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PGVIGIL_HOME: home,
      PORT: String(port),
      DATABASE_URL: '',
      PGVIGIL_NEXT_DIST_DIR: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-bench',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 600_000;
  while (!output.includes('pgvigil is up')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`pgvigil did not come up:\n${output.slice(-5000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const setup = await fetch(`${baseUrl}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username: 'admin', password: 'violet-harbour-42-bench' }),
  });
  const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  // the bootstrap becomes the supervisor (dist/runtime/start.mjs runs in it)
  const supervisorPid = child.pid;
  if (!supervisorPid) throw new Error('cannot find the supervisor process');
  return {
    baseUrl,
    home,
    cookie,
    supervisorPid,
    async pids() {
      const list = await processes();
      const found: Partial<Record<AppName, number>> = {};
      for (const p of list.filter((q) => q.ppid === supervisorPid)) {
        for (const [name, mark] of Object.entries(MARKS) as [AppName, RegExp][]) {
          if (mark.test(p.cmd)) found[name] = p.pid;
        }
      }
      return found;
    },
    async datastoreUrl() {
      const lines = (await readFile(path.join(home, 'pgdata', 'postmaster.pid'), 'utf8')).split(
        '\n',
      );
      const password = (await readFile(path.join(home, 'datastore.password'), 'utf8')).trim();
      return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${lines[3]}/pgvigil`;
    },
    log: () => output,
    stop,
  };
}

/** A JSON call to the platform's API with the admin's session. */
export async function api<T>(
  platform: Platform,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${platform.baseUrl}${url}`, {
    method,
    headers: {
      cookie: platform.cookie,
      origin: platform.baseUrl,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

/** A webhook receiver that answers after `delayMs`, counting every key it is sent. */
export async function countingSink(delayMs: number) {
  const keys: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      keys.push(String(req.headers['idempotency-key']));
      setTimeout(() => res.end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    keys,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Least-squares slope of (hours, MB) points: MB per hour. */
export function slopePerHour(points: readonly { at: number; mb: number }[]): number {
  if (points.length < 2) return 0;
  const xs = points.map((p) => p.at / 3_600_000);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = points.reduce((a, p) => a + p.mb, 0) / points.length;
  let num = 0;
  let den = 0;
  points.forEach((p, i) => {
    num += (xs[i]! - mx) * (p.mb - my);
    den += (xs[i]! - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}
