// Where the compiled runtime lives (built by runtime.ts): the supervisor spawns the
// apps from here. Kept apart from runtime.ts so the supervisor never loads esbuild.
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');
export const RUNTIME_DIR = path.join(root, 'dist', 'runtime');

/** Entry points by output name; the supervisor spawns the apps by these names. */
export const RUNTIME_ENTRIES = {
  start: 'scripts/start.ts',
  /** the supervisor's short-lived steps (lib/steps.ts) */
  steps: 'scripts/steps.ts',
  /** the collector and the alerter in one process: what `npm start` runs */
  engine: 'scripts/engine.ts',
  collector: 'apps/collector/src/main.ts',
  alerter: 'apps/alerter/src/main.ts',
  web: 'apps/web/server/main.ts',
};

/** Where a runtime file is, for `node <file>`. */
export const runtimeFile = (name: keyof typeof RUNTIME_ENTRIES) =>
  path.join(RUNTIME_DIR, `${name}.mjs`);

/**
 * V8 flags of each process. The web server's young generation is bounded to 1 MB
 * semi-spaces (Node's default grows them to 16 MB): about 28 MB less at idle after its
 * first pages, for more, shorter scavenges while it renders (docs/performance.md).
 */
const FLAGS: Partial<Record<keyof typeof RUNTIME_ENTRIES, string[]>> = {
  web: ['--max-semi-space-size=1'],
};

/**
 * glibc malloc settings of each process's environment. The web server keeps one malloc
 * arena instead of one per thread that allocates (V8's workers, libuv's pool) and gives
 * free memory at the top of the arena back above 128 KB (glibc's threshold otherwise
 * grows with the largest block freed): 4-6 MB less at idle (docs/performance.md).
 */
const MALLOC: Partial<Record<keyof typeof RUNTIME_ENTRIES, Record<string, string>>> = {
  web: { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '131072' },
};

/** Environment variables a runtime file runs with, besides the platform's. */
export const runtimeEnv = (name: keyof typeof RUNTIME_ENTRIES): Record<string, string> => ({
  ...MALLOC[name],
});

/** Arguments of `node` that run a runtime file with its flags. */
export const runtimeArgs = (name: keyof typeof RUNTIME_ENTRIES) => [
  ...(FLAGS[name] ?? []),
  runtimeFile(name),
];

/**
 * A release folder (`npm run release`) carries this file at its root. It holds the
 * web app already built and no build tools, so the runtime must not try to build.
 */
export const RELEASE_MARKER = 'release.json';
export const isRelease = () => existsSync(path.join(root, RELEASE_MARKER));
