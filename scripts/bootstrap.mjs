#!/usr/bin/env node
// The entry point of every npm command: it makes a fresh clone usable (installs
// dependencies when package-lock.json changed since the last install), then hands
// over to the TypeScript command. Plain JavaScript because nothing is installed yet.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// npm writes node_modules/.package-lock.json on every install: when it is older than
// package-lock.json (a fresh clone, or a pull that changed dependencies) we install.
const hiddenLock = path.join(root, 'node_modules', '.package-lock.json');
const commands = {
  start: 'scripts/build-runtime.ts', // then dist/runtime/start.mjs in this process
  test: 'scripts/test.ts',
  bench: 'scripts/bench.ts',
  probe: 'apps/collector/src/cli/probe.ts',
  migrate: 'scripts/migrate.ts',
  pgvigil: 'scripts/pgvigil.ts',
  release: 'scripts/release.ts',
};

function installed() {
  const lock = path.join(root, 'package-lock.json');
  if (!existsSync(hiddenLock) || !existsSync(path.join(root, 'node_modules', '.bin', 'tsx')))
    return false;
  return !existsSync(lock) || statSync(hiddenLock).mtimeMs >= statSync(lock).mtimeMs;
}

function ensureInstalled() {
  if (installed()) return;
  const args = existsSync(path.join(root, 'package-lock.json')) ? ['ci'] : ['install'];
  console.log(`pgvigil: installing dependencies (npm ${args.join(' ')})...`);
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('pgvigil: npm could not install the dependencies; see the output above.');
    process.exit(result.status ?? 1);
  }
}

const [command, ...rest] = process.argv.slice(2);
const script = command ? commands[command] : undefined;
if (!script) {
  console.error(`usage: bootstrap.mjs <${Object.keys(commands).join('|')}> [args]`);
  process.exit(2);
}
ensureInstalled();
const tsx = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

if (command === 'start') {
  // The platform runs compiled: build the runtime (a few seconds), then this very
  // process becomes the supervisor; no tsx loader stays in memory.
  const built = spawnSync(process.execPath, ['--import', tsx, path.join(root, script)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) {
    console.error('pgvigil: the runtime failed to compile; see the output above.');
    process.exit(built.status ?? 1);
  }
  process.argv.splice(2, 1);
  await import(pathToFileURL(path.join(root, 'dist', 'runtime', 'start.mjs')).href);
} else {
  const child = spawn(process.execPath, ['--import', tsx, path.join(root, script), ...rest], {
    cwd: root,
    stdio: 'inherit',
  });
  // Pass signals on; the command shuts down in order and we exit with its status.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
