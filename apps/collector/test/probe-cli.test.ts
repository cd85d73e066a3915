import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, testMajors, type TestDatabase } from '@pgvigil/db/testing';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
// The entry point `npm run probe` starts (through scripts/bootstrap.mjs), run the same way.
const tsx = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

async function probeCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', tsx, 'apps/collector/src/cli/probe.ts', ...args],
      {
        cwd: root,
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(testMajors())('npm run probe on PostgreSQL %i', (major) => {
  let target: TestDatabase;
  beforeAll(async () => {
    target = await freshDatabase(major, 'cli');
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    await c.query('CREATE EXTENSION pg_stat_statements; CREATE TABLE t (id int PRIMARY KEY)');
    await c.end();
  });
  afterAll(() => target?.drop());

  it('runs every probe and reports rows, ms or why a probe is unavailable', async () => {
    const url = new URL(target.url);
    url.searchParams.set('sslmode', 'disable');
    const { code, stdout } = await probeCli(['--url', url.toString(), '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      ok: boolean;
      reports: { probe: string; status: string; rows: number; ms: number; reason?: string }[];
    };
    expect(result.ok).toBe(true);
    const ok = result.reports.filter((r) => r.status === 'ok');
    expect(ok.length).toBeGreaterThanOrEqual(40);
    expect(result.reports.filter((r) => r.status === 'failed')).toEqual([]);
    for (const r of result.reports.filter((r) => r.status === 'unavailable')) {
      expect(r.reason).toMatch(/not installed|or later/);
    }
    expect(ok.find((r) => r.probe === 'statements')?.rows).toBeGreaterThan(0);
  });

  it('says why it cannot connect, with the classified error', async () => {
    const url = new URL(target.url);
    url.password = 'wrong-password';
    url.searchParams.set('sslmode', 'disable');
    const { code, stderr } = await probeCli(['--url', url.toString()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot connect \(password_failed\)/);
  });

  it('reports tables and schema_snapshot ok with a table held under ACCESS EXCLUSIVE, that table skipped', async () => {
    const migration = new pg.Client({ connectionString: target.url });
    await migration.connect();
    try {
      await migration.query('BEGIN');
      await migration.query('LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
      const url = new URL(target.url);
      url.searchParams.set('sslmode', 'disable');
      const { code, stdout } = await probeCli(['--url', url.toString()]);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /^tables +[\d.]+ ms +\d+ rows\n +note: 1 row\(s\) partly skipped, e\.g\. public\.t: t: AccessExclusiveLock held by pid \d+/m,
      );
      expect(stdout).toMatch(/^schema_snapshot +[\d.]+ ms +\d+ rows$/m);
      expect(stdout).toMatch(/\d+ probes: \d+ ok, \d+ unavailable, 0 failed/);
    } finally {
      await migration.end();
    }
  });
});
