// Where the compiled runtime lives (built by runtime.ts): the supervisor spawns the
// apps from here. Kept apart from runtime.ts so the supervisor never loads esbuild.
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');
export const RUNTIME_DIR = path.join(root, 'dist', 'runtime');

/** Entry points by output name; the supervisor spawns the apps by these names. */
export const RUNTIME_ENTRIES = {
  start: 'scripts/start.ts',
  collector: 'apps/collector/src/main.ts',
  alerter: 'apps/alerter/src/main.ts',
  web: 'apps/web/server/main.ts',
};

/** Where a runtime file is, for `node <file>`. */
export const runtimeFile = (name: keyof typeof RUNTIME_ENTRIES) =>
  path.join(RUNTIME_DIR, `${name}.mjs`);
