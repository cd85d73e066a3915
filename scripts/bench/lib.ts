import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbedded, type EmbeddedServer, type Major } from '@pgvigil/db/embedded';

/** A throwaway PostgreSQL (18 unless told) for one benchmark; `done()` stops it and removes its files. */
export async function benchServer(
  name: string,
  settings: Record<string, string | number> = {},
  major: Major = 18,
): Promise<{ server: EmbeddedServer; done(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `pgvigil-bench-${name}-`));
  await chmod(dir, 0o755); // the postgres OS user must reach its data folder
  const server = await startEmbedded({
    dataDir: path.join(dir, 'data'),
    major,
    superuserPassword: 'bench',
    settings,
  });
  return {
    server,
    async done() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface Percentiles {
  p50: number;
  p95: number;
}

/** p50 / p95 of `runs` timed calls (milliseconds) after one untimed warm-up call. */
export async function percentiles(runs: number, fn: () => Promise<unknown>): Promise<Percentiles> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return summarize(ms);
}

/** p50 / p95 of measured milliseconds (nearest rank). */
export function summarize(ms: number[]): Percentiles {
  const sorted = [...ms].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: pick(0.5), p95: pick(0.95) };
}

export const fmtMs = (x: Percentiles) => `p50 ${fmt(x.p50, 1)} ms, p95 ${fmt(x.p95, 1)} ms`;

/**
 * CPU time (ms) used so far by a process and all its descendants (exited children of
 * each counted in its parent), from /proc.
 */
export async function treeCpuMs(rootPid: number): Promise<number> {
  const stats = new Map<number, string[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat) stats.set(Number(entry), stat.slice(stat.lastIndexOf(')') + 2).split(' '));
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === rootPid) return true;
      p = Number(stats.get(p)?.[1] ?? 0);
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, f] of stats)
    if (inTree(pid)) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return ticks * 10; // CLK_TCK = 100
}

/** CPU time (ms) used so far by a PostgreSQL server: its postmaster and all its backends. */
export const serverCpuMs = (postmasterPid: number) => treeCpuMs(postmasterPid);

/** The postmaster's pid of the PostgreSQL server at `url` (run on this machine). */
export async function postmasterPidOf(url: string): Promise<number> {
  const pg = await import('pg');
  const c = new pg.default.Client({ connectionString: url });
  await c.connect();
  try {
    const dir = (
      await c.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory'])
    ).rows[0]!.d;
    return Number((await readFile(`${dir}/postmaster.pid`, 'utf8')).split('\n')[0]);
  } finally {
    await c.end();
  }
}

/** The postmaster's pid of a server we started (its data folder's postmaster.pid). */
export async function postmasterPid(server: EmbeddedServer): Promise<number> {
  return postmasterPidOf(server.url());
}
