// `npm test`: what CI runs. Lint, typecheck, unit + integration (vitest, against real
// PostgreSQL servers), then e2e (Playwright in Debian's Chromium against the real stack).
//   npm test -- --skip-e2e     everything but the browser suite
//   npm test -- --only e2e     one stage (lint | typecheck | unit | e2e)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipE2e = args.includes('--skip-e2e');

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}
const totals: Counts = { passed: 0, failed: 0, skipped: 0 };

function run(
  title: string,
  command: string,
  commandArgs: string[],
  env: Record<string, string> = {},
): boolean {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return result.status === 0;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function ensureChromium(): boolean {
  const chromium = process.env.PGVIGIL_CHROMIUM || '/usr/bin/chromium';
  if (existsSync(chromium)) return true;
  if (userInfo().uid === 0 && existsSync('/usr/bin/apt-get')) {
    console.log("Chromium not found: installing Debian's chromium package...");
    const quiet = {
      stdio: 'inherit' as const,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    };
    spawnSync('apt-get', ['update', '-qq'], quiet);
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], quiet);
    if (existsSync(chromium)) return true;
  }
  console.error(
    `The browser tests need Chromium at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install chromium) ` +
      'or point PGVIGIL_CHROMIUM at a Chromium binary.',
  );
  return false;
}

const stages: Record<string, () => boolean> = {
  lint: () =>
    run('lint', bin('eslint'), ['.', '--max-warnings', '0']) &&
    run('format', bin('prettier'), ['--check', '.']),
  typecheck: () =>
    run('typecheck', bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only'], {
      TURBO_TELEMETRY_DISABLED: '1',
    }) && run('typecheck scripts', bin('tsc'), ['--noEmit', '-p', 'scripts']),
  unit: () => {
    const report = path.join(root, 'node_modules', '.cache', 'pgvigil-vitest.json');
    const ok = run('unit and integration (vitest, real PostgreSQL)', bin('vitest'), [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]);
    const json = readJson<{
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
    }>(report);
    if (json) {
      totals.passed += json.numPassedTests;
      totals.failed += json.numFailedTests;
      totals.skipped += json.numPendingTests;
    }
    return ok;
  },
  e2e: () => {
    if (!ensureChromium()) return false;
    const ok = run('e2e (Playwright, Chromium, the real stack)', bin('playwright'), [
      'test',
      '-c',
      'e2e/playwright.config.ts',
    ]);
    const json = readJson<{
      stats: { expected: number; unexpected: number; skipped: number; flaky: number };
    }>(path.join(root, 'e2e', 'artifacts', 'report.json'));
    if (json) {
      totals.passed += json.stats.expected + json.stats.flaky;
      totals.failed += json.stats.unexpected;
      totals.skipped += json.stats.skipped;
    }
    return ok;
  },
};

const order = only ? [only] : Object.keys(stages).filter((s) => !(skipE2e && s === 'e2e'));
const failedStages: string[] = [];
for (const name of order) {
  const stage = stages[name];
  if (!stage) {
    console.error(`unknown stage "${name}"; choose from ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
  if (!stage()) failedStages.push(name);
}
console.log(
  `\n${failedStages.length ? `failed stages: ${failedStages.join(', ')}` : 'all stages passed'}`,
);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStages.length ? 1 : 0);
