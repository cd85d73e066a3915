// The platform's idle footprint (issue: a compiled runtime under 250 MB): `npm start`
// with one monitored server, left alone for BENCH_FOOTPRINT_SECONDS (90), then the
// resident memory of each pgvigil Node process. The reference, measured in the same
// run, is an idle `node` doing nothing: what any Node process costs on this machine.
// Each process also reports what it holds (memory-hook.mjs): V8 heap, memory outside
// it (external: buffers, native modules), V8 code, and the npm packages it loaded.
// PGVIGIL_MEMORY_REPORT_GC=1: each process then runs a full garbage collection and
// reports its heap and RSS after it too (how much of the heap was garbage).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchServer, fmt } from './lib';
import { api, rssMb, startPlatform } from './platform';

const TARGET_MB = 250;
const MB = 1e6;

interface MemoryReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  codeAndMetadata: number;
  packages: string[];
  afterGc?: { rss: number; heapUsed: number; heapTotal: number };
}

/** Proportional set size: each shared page (the node binary's) split among its users. */
async function pssMb(pid: number): Promise<number | null> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => null);
  const kb = rollup ? /^Pss:\s+(\d+)/m.exec(rollup)?.[1] : undefined;
  return kb ? (Number(kb) * 1024) / 1e6 : null;
}

async function idleNodeMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const mb = (await rssMb(child.pid!)) ?? 0;
  child.kill();
  return mb;
}

/** Asks each process for its memory report (SIGUSR2) and reads it back. */
async function memoryReports(dir: string, pids: number[]): Promise<Map<number, MemoryReport>> {
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const reports = new Map<number, MemoryReport>();
  for (const pid of pids) {
    const text = await readFile(path.join(dir, `${pid}.json`), 'utf8').catch(() => null);
    if (text) reports.set(pid, JSON.parse(text) as MemoryReport);
  }
  return reports;
}

export async function benchFootprint(): Promise<void> {
  const seconds = Number(process.env.BENCH_FOOTPRINT_SECONDS ?? 90);
  console.log(`\nIdle footprint: npm start with one monitored server, after ${seconds} s`);
  const target = await benchServer('footprint');
  const reportDir = await mkdtemp(path.join(tmpdir(), 'pgvigil-footprint-'));
  const hook = path.join(import.meta.dirname, 'memory-hook.mjs');
  const platform = await startPlatform({
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(hook).href}`.trim(),
    PGVIGIL_MEMORY_REPORT_DIR: reportDir,
  });
  try {
    const created = await api(platform, 'POST', '/api/v1/servers', {
      name: 'footprint',
      url: `postgresql://postgres:bench@127.0.0.1:${target.server.port}/postgres?sslmode=disable`,
    });
    if (created.status >= 300) throw new Error(`cannot register the server: ${created.status}`);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const pids = await platform.pids();
    // `npm start` runs the collector and the alerter in one engine process
    const engine = pids.collector !== undefined && pids.collector === pids.alerter;
    const named: [string, number | undefined][] = engine
      ? [
          ['supervisor', platform.supervisorPid],
          ['engine', pids.collector],
          ['web', pids.web],
        ]
      : [
          ['supervisor', platform.supervisorPid],
          ['collector', pids.collector],
          ['alerter', pids.alerter],
          ['web', pids.web],
        ];
    const rows: [string, number | null, number | undefined, number | null][] = [];
    for (const [name, pid] of named)
      rows.push([name, pid ? await rssMb(pid) : null, pid, pid ? await pssMb(pid) : null]);
    const reports = await memoryReports(
      reportDir,
      rows.flatMap(([, , pid]) => (pid ? [pid] : [])),
    );
    const total = rows.reduce((sum, [, mb]) => sum + (mb ?? 0), 0);
    const reference = await idleNodeMb();
    const pss = rows.reduce((sum, [, , , mb]) => sum + (mb ?? 0), 0);
    for (const [name, mb, pid, pssOf] of rows) {
      const r = pid ? reports.get(pid) : undefined;
      const held = r
        ? `  (heap ${fmt(r.heapUsed / MB)}/${fmt(r.heapTotal / MB)} MB, external ${fmt(r.external / MB)} MB, code ${fmt(r.codeAndMetadata / MB)} MB; ` +
          `packages: ${r.packages.join(' ')})` +
          (r.afterGc
            ? `; after a full GC: heap ${fmt(r.afterGc.heapUsed / MB)}/${fmt(r.afterGc.heapTotal / MB)} MB, ${fmt(r.afterGc.rss / MB)} MB RSS`
            : '')
        : '';
      console.log(
        `  ${name.padEnd(10)} ${mb === null ? 'not found' : `${fmt(mb)} MB RSS, ${fmt(pssOf ?? 0)} MB PSS`}${held}`,
      );
    }
    console.log(
      `  all pgvigil Node processes: ${fmt(total)} MB RSS (target < ${TARGET_MB}: ${total < TARGET_MB ? 'met' : 'missed'}); ` +
        `an idle node: ${fmt(reference)} MB, so ${fmt(total / reference, 1)}x an idle node ` +
        `for ${rows.length} processes (datastore not counted: ${pids.datastore ? `${fmt((await rssMb(pids.datastore)) ?? 0)} MB postmaster` : 'external'})`,
    );
    // RSS counts the pages of the node binary that every process shares once per process
    console.log(
      `  the same in PSS (shared pages split among the processes that map them): ${fmt(pss)} MB`,
    );
  } finally {
    await platform.stop();
    await target.done();
    await rm(reportDir, { recursive: true, force: true });
  }
}

// alone: npx tsx scripts/bench/footprint.ts (npm start compiles the runtime itself)
if (import.meta.url === `file://${process.argv[1]}`) await benchFootprint();
