// `npm test`: what CI runs. Lint, typecheck, unit + integration (vitest, against real
// PostgreSQL servers), then e2e (Playwright in Debian's Chromium against the real stack).
//   npm test -- --skip-e2e     everything but the browser suite
//   npm test -- --only e2e     one stage (lint | typecheck | unit | e2e)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
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
  const started = Date.now();
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  console.log(`=== ${title}: ${result.status === 0 ? 'ok' : 'FAILED'} in ${seconds(started)}`);
  return result.status === 0;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/**
 * The e2e stage serves a production build of the web app (about 2.5 min on 2 cores).
 * It is started before lint and typecheck, which cannot read its output (the web
 * tsconfig leaves next-env.d.ts and the build folders out), and the e2e stack finds
 * it in turbo's cache. Its output goes to a file: the stages block this process.
 */
function startWebBuild(): () => Promise<boolean> {
  const dir = path.join(root, 'node_modules', '.cache');
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'pgvigil-e2e-build.log');
  const out = openSync(logFile, 'w');
  const started = Date.now();
  console.log(`(building the web app for e2e in the background; log: ${logFile})`);
  const child = spawn(bin('turbo'), ['run', 'build', '--filter=@pgvigil/web'], {
    cwd: root,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      PGVIGIL_NEXT_DIST_DIR: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-e2e',
      TURBO_TELEMETRY_DISABLED: '1',
      NEXT_TELEMETRY_DISABLED: '1',
    },
  });
  const done = new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
  return async () => {
    const ok = await done;
    console.log(
      `(web build for e2e: ${ok ? 'done' : 'FAILED'}, ${seconds(started)} after its start)`,
    );
    if (!ok) console.error(readFileSync(logFile, 'utf8'));
    return ok;
  };
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Debian packages a stage needs: installed on first use (as root, with apt), else named. */
const SYSTEM_PACKAGES = [
  {
    stage: 'e2e',
    pkg: 'chromium',
    path: process.env.PGVIGIL_CHROMIUM || '/usr/bin/chromium',
    why: 'the browser tests (or point PGVIGIL_CHROMIUM at a Chromium binary)',
  },
  {
    stage: 'unit',
    pkg: 'python3-prometheus-client',
    path: '/usr/lib/python3/dist-packages/prometheus_client/openmetrics/parser.py',
    why: "the OpenMetrics parser the GET /metrics test checks pgvigil's output with",
  },
  {
    stage: 'unit',
    pkg: 'openssh-server',
    path: '/usr/sbin/sshd',
    why: 'the SSH tunnel tests (a real sshd on a loopback port as the bastion)',
  },
  {
    stage: 'unit',
    pkg: 'pgbouncer',
    path: '/usr/sbin/pgbouncer',
    why: 'the pooler tests (a real PgBouncer on a loopback port in front of the test server)',
  },
  ...(
    [
      ['postgresql-15-hypopg', 'hypopg'],
      ['postgresql-15-pg-stat-kcache', 'pg_stat_kcache'],
      ['postgresql-15-pg-wait-sampling', 'pg_wait_sampling'],
      ['postgresql-15-pg-qualstats', 'pg_qualstats'],
    ] as const
  ).map(([pkg, lib]) => ({
    stage: 'unit',
    pkg,
    path: `/usr/lib/postgresql/15/lib/${lib}.so`,
    why: "the optional-extension tests (Debian's PostgreSQL 15 with its real extensions)",
  })),
  {
    stage: 'unit',
    pkg: 'patroni',
    path: '/usr/bin/patroni',
    why: "the Patroni tests (a real Patroni over etcd, with Debian's PostgreSQL 15)",
  },
  {
    stage: 'unit',
    pkg: 'etcd-server',
    path: '/usr/bin/etcd',
    why: "the Patroni tests' DCS (a one-node etcd on loopback)",
  },
];

function ensureSystemPackages(stage: string): boolean {
  const missing = SYSTEM_PACKAGES.filter((p) => p.stage === stage && !existsSync(p.path));
  if (missing.length === 0) return true;
  if (userInfo().uid === 0 && existsSync('/usr/bin/apt-get')) {
    const names = missing.map((p) => p.pkg);
    console.log(`Installing Debian packages: ${names.join(' ')}...`);
    const quiet = {
      stdio: 'inherit' as const,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    };
    spawnSync('apt-get', ['update', '-qq'], quiet);
    spawnSync('apt-get', ['install', '-y', '-qq', ...names], quiet);
  }
  const still = missing.filter((p) => !existsSync(p.path));
  for (const p of still) {
    console.error(
      `Missing ${p.path}, needed for ${p.why}. Install it (Debian/Ubuntu: sudo apt-get install ${p.pkg}).`,
    );
  }
  return still.length === 0;
}

let webBuild: (() => Promise<boolean>) | null = null;

/**
 * `npm run release` from the e2e stage's web build (no second Next build): the folder
 * starts with node alone (packages/db/test/release.test.ts; about 30 s).
 */
function releaseTest(): boolean {
  const report = path.join(root, 'node_modules', '.cache', 'pgvigil-vitest-release.json');
  const ok = run(
    'release folder (npm run release, started with node alone)',
    bin('vitest'),
    [
      'run',
      'packages/db/test/release.test.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    {
      PGVIGIL_RELEASE_TEST: '1',
      PGVIGIL_NEXT_DIST_DIR: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-e2e',
    },
  );
  const json = readJson<{ numPassedTests: number; numFailedTests: number }>(report);
  if (json) {
    totals.passed += json.numPassedTests;
    totals.failed += json.numFailedTests;
  }
  return ok;
}

const stages: Record<string, () => boolean | Promise<boolean>> = {
  lint: () =>
    run('lint', bin('eslint'), ['.', '--max-warnings', '0']) &&
    run('format', bin('prettier'), ['--check', '.']),
  // Type checking runs TypeScript 7 (the native compiler, about five times less CPU);
  // typescript-eslint and Next's build need TypeScript 6's JS API, which 7 lacks, so the
  // `typescript` package stays 6 and 7 is installed beside it as `typescript7`.
  typecheck: () =>
    run('typecheck', bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only'], {
      TURBO_TELEMETRY_DISABLED: '1',
    }) &&
    run('typecheck scripts', process.execPath, [
      path.join(root, 'node_modules', 'typescript7', 'bin', 'tsc'),
      '--noEmit',
      '-p',
      'scripts',
    ]),
  unit: () => {
    if (!ensureSystemPackages('unit')) return false;
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
  e2e: async () => {
    if (!ensureSystemPackages('e2e')) return false;
    if (webBuild && !(await webBuild())) return false;
    const e2eOk = run('e2e (Playwright, Chromium, the real stack)', bin('playwright'), [
      'test',
      '-c',
      'e2e/playwright.config.ts',
    ]);
    // The JavaScript each page ships, from the build e2e just served (no second build).
    const budgetOk = run('web bundle budget (first-load JS per page)', bin('tsx'), [
      'apps/web/scripts/bundle.ts',
      process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-e2e',
      '--check',
    ]);
    totals[budgetOk ? 'passed' : 'failed'] += 1;
    const ok = e2eOk && budgetOk;
    const json = readJson<{
      stats: { expected: number; unexpected: number; skipped: number; flaky: number };
    }>(path.join(root, 'e2e', 'artifacts', 'report.json'));
    if (json) {
      totals.passed += json.stats.expected + json.stats.flaky;
      totals.failed += json.stats.unexpected;
      totals.skipped += json.stats.skipped;
    }
    return releaseTest() && ok;
  },
};

const order = only ? [only] : Object.keys(stages).filter((s) => !(skipE2e && s === 'e2e'));
const failedStages: string[] = [];
if (order.length > 1 && order.includes('e2e')) webBuild = startWebBuild();
for (const name of order) {
  const stage = stages[name];
  if (!stage) {
    console.error(`unknown stage "${name}"; choose from ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
  if (!(await stage())) failedStages.push(name);
}
console.log(
  `\n${failedStages.length ? `failed stages: ${failedStages.join(', ')}` : 'all stages passed'}`,
);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStages.length ? 1 : 0);
