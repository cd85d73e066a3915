import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name);

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
    const supervisor = spawn(
      process.execPath,
      ['--import', 'tsx', fixture('supervisor.ts'), fixture('supervised-app.ts')],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      supervisor.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /app pid (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      supervisor.once('exit', () => reject(new Error(`the supervisor ended first:\n${out}`)));
    });
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
      const parent = spawn(
        process.execPath,
        ['--import', 'tsx', fixture('embedded-parent.ts'), path.join(root, 'data'), 'die'],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      postmaster = await new Promise<number>((resolve, reject) => {
        let out = '';
        parent.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /postmaster pid (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        parent.once('exit', () => reject(new Error(`the parent ended first:\n${out}`)));
      });
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
});
