import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

/** A fixture run with tsx, once it printed the pid `pattern` captures. */
async function startFixture(
  args: string[],
  pattern: RegExp,
  inShell = false,
): Promise<{ child: ChildProcessByStdio<null, Readable, null>; pid: number }> {
  const node = [process.execPath, '--import', 'tsx', ...args];
  // in a shell: `; true` keeps the shell as the parent, as npm's `sh -c` is
  const [command, ...rest] = inShell
    ? ['sh', '-c', `${node.map((a) => `"${a}"`).join(' ')}; true`]
    : node;
  const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`${args[0]} ended first:\n${out}`)));
  });
  return { child, pid };
}

/** Running, and not a zombie waiting for a parent that is gone to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('the apps end with their supervisor', () => {
  let app = 0;
  afterEach(() => {
    if (app && alive(app)) process.kill(app, 'SIGKILL'); // a failed run leaves no orphan
  });

  // Found: a supervisor that died (kill -9, or a write to a closed stdout) left the
  // collector, the alerter and the web app running; the orphaned web app held the port,
  // so the next `npm start` refused to run ("Port 3000 is already in use").
  it('an app stops when its supervisor is killed with -9', async () => {
    const { child: supervisor, pid } = await startFixture(
      [fixture('supervisor.ts'), fixture('supervised-app.ts')],
      /app pid (\d+)/,
    );
    app = pid;
    expect(alive(pid)).toBe(true);
    supervisor.kill('SIGKILL');
    // the app notices the closed channel at once; the test's timeout bounds the wait
    while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(pid)).toBe(false);
  });

  // Found: the embedded datastore outlived a supervisor killed with -9 until the next
  // `npm start` found and stopped it (stopOrphan).
  it('the embedded datastore shuts down when the process that started it is killed with -9', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'pgvigil-orphan-'));
    await chmod(root, 0o755); // the postgres OS user must reach its data folder
    let postmaster = 0;
    try {
      const started = await startFixture(
        [fixture('embedded-parent.ts'), path.join(root, 'data'), 'die'],
        /postmaster pid (\d+)/,
      );
      const parent = started.child;
      postmaster = started.pid;
      expect(alive(postmaster)).toBe(true);
      parent.kill('SIGKILL');
      // a fast shutdown takes a checkpoint; the test's timeout bounds the wait
      while (alive(postmaster)) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(alive(postmaster)).toBe(false);
    } finally {
      if (postmaster && alive(postmaster)) process.kill(postmaster, 'SIGKILL');
      await rm(root, { recursive: true, force: true });
    }
  });

  // Found: `kill <npm's pid>` (and `docker stop` of `npm start`) left the supervisor, its
  // apps and the datastore running: npm signals only the shell it runs the script in.
  it('the supervisor stops when the shell npm started it in is killed', async () => {
    const { child: shell, pid } = await startFixture(
      [fixture('orphan-watcher.ts')],
      /watcher pid (\d+)/,
      true,
    );
    app = pid;
    shell.kill('SIGTERM');
    while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive(pid)).toBe(false);
  });
});
