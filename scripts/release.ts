// `npm run release [-- --out <dir>]`: a folder that runs pgvigil with nothing but
// `node` (no npm, tsx, esbuild, repository or network). It keeps the repository's
// layout, because the compiled runtime finds its neighbours relative to its root:
//   dist/runtime/        the supervisor and the apps, compiled (lib/runtime.ts)
//   apps/web/<distDir>/  the production build of the web app, served by our server
//   packages/db/migrations/
//   node_modules/        production dependencies only, as npm resolved them from the
//                        lockfile (embedded PostgreSQL of the datastore's major included)
//   start.mjs, release.json, README.md
// The web app keeps pgvigil's own server around Next (apps/web/server/main.ts, which
// writes the caller's address), so Next's standalone server.js is not used: the .next
// build plus the production node_modules serve it.
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildRuntime } from './lib/runtime';
import { RELEASE_MARKER, RUNTIME_DIR } from './lib/runtime-files';
import { buildWeb } from './lib/web';

const root = path.dirname(import.meta.dirname);

export interface ReleaseOptions {
  out: string;
  /** the web build folder under apps/web (PGVIGIL_NEXT_DIST_DIR; default .next) */
  nextDistDir: string;
  /** false: use the web build already in nextDistDir (the e2e stage built it) */
  buildWebApp: boolean;
  /** hard-link node_modules instead of copying (same file system; for tests) */
  link?: boolean;
}

/** Production packages as npm resolved them: folders relative to the repository root. */
function productionPackages(): string[] {
  const output = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(output.split('\n').filter(Boolean))]
    .map((dir) => path.relative(root, dir))
    .filter((rel) => rel.startsWith('node_modules') || rel.includes('/node_modules/'))
    .filter((rel) => !rel.startsWith(path.join('node_modules', '@pgvigil'))); // workspaces are bundled
}

/**
 * Copies the packages (`cp -a`, nested node_modules included: a third-party package's
 * nested dependencies are its own production ones), or hard-links them with `link`.
 */
function copyPackages(packages: string[], out: string, link: boolean): void {
  const copied: string[] = [];
  for (const rel of [...packages].sort()) {
    if (copied.some((done) => rel.startsWith(`${done}${path.sep}`))) continue;
    if (!existsSync(path.join(root, rel))) continue; // an optional one for another platform
    copied.push(rel);
  }
  const byParent = new Map<string, string[]>();
  for (const rel of copied) {
    const parent = path.dirname(rel);
    byParent.set(parent, [...(byParent.get(parent) ?? []), rel]);
  }
  for (const [parent, rels] of byParent) {
    mkdirSync(path.join(out, parent), { recursive: true });
    execFileSync('cp', [link ? '-al' : '-a', ...rels, path.join(out, parent)], { cwd: root });
  }
}

/** npm packages the compiled runtime imports; each must be in the release. */
async function runtimeImports(): Promise<string[]> {
  const names = new Set<string>();
  for (const file of await readdir(RUNTIME_DIR)) {
    if (!file.endsWith('.mjs')) continue;
    const code = await readFile(path.join(RUNTIME_DIR, file), 'utf8');
    // esbuild writes static imports one per line, dynamic ones as import("name")
    const statics = code.matchAll(/^import\s(?:[^;"]*?\sfrom\s*)?"([^"]+)";$/gm);
    const dynamics = code.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g);
    for (const m of [...statics, ...dynamics]) {
      const spec = m[1]!;
      if (spec.startsWith('.') || spec.startsWith('/')) continue;
      if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) continue;
      const parts = spec.split('/');
      names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  return [...names].sort();
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const README = (nextDistDir: string) => `# pgvigil (release folder)

Everything pgvigil needs to run, built by \`npm run release\`: it needs Node.js
(${process.versions.node.split('.')[0]} or newer of the same line as the build) and nothing else:
no npm, no network, no repository.

    node start.mjs                      # PORT=3000, data in ./.pgvigil

The same environment variables as \`npm start\` apply (docs/deploy.md of the repository):
PORT, PGVIGIL_HOME (data folder; set it to an absolute path), DATABASE_URL (an external
datastore instead of the embedded PostgreSQL), PGVIGIL_SECRET_KEY, PGVIGIL_BASE_URL,
PGVIGIL_LOG_FORMAT, PGVIGIL_LOG_FILE. SIGTERM or Ctrl-C stops it cleanly.

The embedded PostgreSQL runs as the \`postgres\` OS user when started as root: the folder
and its parents must then be readable by that user (chmod 755).

Contents: dist/runtime (supervisor, collector, alerter, web server), apps/web/${nextDistDir}
(the web app's build), packages/db/migrations, node_modules (production dependencies
only, with the PostgreSQL binaries), release.json (what was built, from which commit).
`;

const START = (nextDistDir: string) => `#!/usr/bin/env node
// Starts pgvigil from this release folder: node start.mjs
process.env.PGVIGIL_NEXT_DIST_DIR = ${JSON.stringify(nextDistDir)};
process.env.NODE_ENV = 'production';
await import('./dist/runtime/start.mjs');
`;

/** Builds the release folder; returns its size in bytes. */
export async function buildRelease(options: ReleaseOptions): Promise<number> {
  const out = path.resolve(options.out);
  const env = { ...process.env, PGVIGIL_NEXT_DIST_DIR: options.nextDistDir };
  if (options.buildWebApp) buildWeb(env);
  const webBuild = path.join(root, 'apps', 'web', options.nextDistDir);
  if (!existsSync(path.join(webBuild, 'BUILD_ID')))
    throw new Error(`No web build in ${webBuild}; run without --no-web-build.`);
  await buildRuntime();

  // The folder is replaced whole: only an earlier release (or an empty folder) is removed.
  if (`${root}${path.sep}`.startsWith(`${out}${path.sep}`))
    throw new Error(`--out ${out} holds the repository; choose a folder outside it`);
  if (existsSync(out) && !existsSync(path.join(out, RELEASE_MARKER)) && readdirSync(out).length)
    throw new Error(`${out} is not empty and holds no release; choose an empty or new folder`);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const copy = (rel: string, filter?: (source: string) => boolean) =>
    cp(path.join(root, rel), path.join(out, rel), { recursive: true, filter });
  await copy(path.relative(root, RUNTIME_DIR), (source) => !source.endsWith('.tmp'));
  await copy('packages/db/migrations');
  await copy('apps/web/package.json');
  await copy('apps/web/next.config.mjs');
  await copy(path.join('apps/web', options.nextDistDir), (source) => {
    const rel = path.relative(webBuild, source);
    return rel !== 'cache' && !rel.startsWith(`cache${path.sep}`);
  });
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    name: string;
    license: string;
    engines: Record<string, string>;
  };
  await writeFile(
    path.join(out, 'package.json'),
    `${JSON.stringify({ name: pkg.name, private: true, type: 'module', license: pkg.license, engines: pkg.engines }, null, 2)}\n`,
  );

  const packages = productionPackages();
  copyPackages(packages, out, options.link ?? false);
  const missing = (await runtimeImports()).filter(
    (name) => !existsSync(path.join(out, 'node_modules', name, 'package.json')),
  );
  if (missing.length)
    throw new Error(`The runtime imports packages the release lacks: ${missing.join(', ')}`);

  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  await writeFile(
    path.join(out, RELEASE_MARKER),
    `${JSON.stringify({ commit, node: process.versions.node, nextDistDir: options.nextDistDir, packages: packages.length }, null, 2)}\n`,
  );
  await writeFile(path.join(out, 'start.mjs'), START(options.nextDistDir), { mode: 0o755 });
  await writeFile(path.join(out, 'README.md'), README(options.nextDistDir));
  return folderSize(out);
}

function parseArgs(argv: string[]): ReleaseOptions {
  const options: ReleaseOptions = {
    out: path.join(root, 'dist', 'release'),
    nextDistDir: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next',
    buildWebApp: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out' && argv[i + 1]) options.out = argv[++i]!;
    else if (arg === '--no-web-build') options.buildWebApp = false;
    else {
      console.error('usage: npm run release [-- --out <dir>] [--no-web-build]');
      process.exit(2);
    }
  }
  return options;
}

if (import.meta.filename === process.argv[1]) {
  const started = Date.now();
  const options = parseArgs(process.argv.slice(2));
  try {
    const size = await buildRelease(options);
    console.log(
      `release built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${path.resolve(options.out)} ` +
        `(${(size / 1024 / 1024).toFixed(0)} MB); run it with: node start.mjs`,
    );
  } catch (err) {
    console.error(`release: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
