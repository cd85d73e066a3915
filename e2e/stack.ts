import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@pgvigil/db/embedded';

export interface Stack {
  baseUrl: string;
  exitCode: () => number | null;
  home: string;
  log: () => string;
  stop(): Promise<void>;
}

const repoRoot = path.join(import.meta.dirname, '..');

/** Starts the real platform (`npm start`'s code path) on a temporary PGVIGIL_HOME and a free port. */
export async function startStack(
  options: {
    home?: string;
    keepHome?: boolean;
    env?: Record<string, string>;
    /** every line the platform prints is also appended here (for tests in other processes) */
    logFile?: string;
    /** the web port, when something must know it before the start (an OpenID provider) */
    port?: number;
  } = {},
): Promise<Stack> {
  const home = options.home ?? (await mkdtemp(path.join(tmpdir(), 'pgvigil-e2e-')));
  await chmod(home, 0o755);
  const port = options.port ?? (await freePort());
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PGVIGIL_HOME: home,
      PORT: String(port),
      PGVIGIL_NEXT_DIST_DIR: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-e2e',
      DATABASE_URL: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (c: Buffer) => {
    output += c.toString();
    if (options.logFile) appendFileSync(options.logFile, c);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    if (!options.keepHome) await rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pgvigil exited during start:\n${output}`);
    if (output.includes('pgvigil is up'))
      return { baseUrl, home, log: () => output, stop, exitCode: () => child.exitCode };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`pgvigil did not come up within 240 s:\n${output}`);
}

/** The stack's embedded datastore: its postmaster's pid, its port and a superuser URL. */
export async function stackDatastore(
  home: string,
): Promise<{ pid: number; port: number; url: string }> {
  const moved = await readFile(path.join(home, 'pgdata.location'), 'utf8').catch(() => null);
  const dataDir = moved?.trim() || path.join(home, 'pgdata');
  const lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  const password = (await readFile(path.join(home, 'datastore.password'), 'utf8')).trim();
  const port = Number(lines[3]);
  return {
    pid: Number(lines[0]),
    port,
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/pgvigil`,
  };
}
