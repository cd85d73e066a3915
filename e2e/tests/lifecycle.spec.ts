import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort } from '@pgvigil/db/embedded';
import { startStack } from '../stack';

const repoRoot = path.join(import.meta.dirname, '..', '..');

function runStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('a second start on the same PGVIGIL_HOME is refused with a clear message', async () => {
  const home = process.env.PGVIGIL_E2E_HOME ?? '';
  const result = await runStart({ PGVIGIL_HOME: home, PORT: String(await freePort()) });
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/already running on .* \(process \d+\)/);
  // The running platform is untouched.
  const health = await fetch(`${process.env.PGVIGIL_E2E_BASE_URL}/api/v1/health`);
  expect(health.status).toBe(200);
});

test('data persists across a stop and a start, and the stop is clean', async () => {
  test.setTimeout(240_000);
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-restart-'));
  try {
    const first = await startStack({ home, keepHome: true });
    expect(first.log()).toMatch(/migrated: 0001_create_accounts/);
    await first.stop();
    expect(first.log()).toMatch(/\[pgvigil\] stopped/);
    expect(first.exitCode()).toBe(0);

    const second = await startStack({ home, keepHome: true });
    expect(second.log()).toMatch(/schema up to date/);
    expect(second.log()).not.toMatch(/migrated:/);
    const health = await (await fetch(`${second.baseUrl}/api/v1/health`)).json();
    expect(health.datastore.reachable).toBe(true);
    await second.stop();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('a port already in use is refused before anything starts', async () => {
  const port = new URL(process.env.PGVIGIL_E2E_BASE_URL ?? '').port;
  const home = await mkdtemp(path.join(tmpdir(), 'pgvigil-port-'));
  try {
    const result = await runStart({ PGVIGIL_HOME: home, PORT: port });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(new RegExp(`Port ${port} is already in use`));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
