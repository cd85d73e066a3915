#!/usr/bin/env node
// The entry point of every npm command: it makes a fresh clone usable (installs
// dependencies when package-lock.json changed since the last install), then hands
// over to the TypeScript command. Plain JavaScript because nothing is installed yet.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const stampFile = path.join(root, 'node_modules', '.pgvigil-install-stamp');
const commands = {
  start: 'scripts/start.ts',
  test: 'scripts/test.ts',
  bench: 'scripts/bench.ts',
  probe: 'apps/collector/src/cli/probe.ts',
  migrate: 'scripts/migrate.ts',
};

function lockHash() {
  const lock = path.join(root, 'package-lock.json');
  return existsSync(lock)
    ? createHash('sha256').update(readFileSync(lock)).digest('hex')
    : 'no-lock';
}

function ensureInstalled() {
  const wanted = lockHash();
  const have = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (have === wanted && existsSync(path.join(root, 'node_modules', '.bin', 'tsx'))) return;
  const args = wanted === 'no-lock' ? ['install'] : ['ci'];
  console.log(`pgvigil: installing dependencies (npm ${args.join(' ')})...`);
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('pgvigil: npm could not install the dependencies; see the output above.');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, `${wanted}\n`);
}

const [command, ...rest] = process.argv.slice(2);
const script = command ? commands[command] : undefined;
if (!script) {
  console.error(`usage: bootstrap.mjs <${Object.keys(commands).join('|')}> [args]`);
  process.exit(2);
}
ensureInstalled();
const tsx = pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const child = spawn(process.execPath, ['--import', tsx, path.join(root, script), ...rest], {
  cwd: root,
  stdio: 'inherit',
});
// Pass signals on; the command shuts down in order and we exit with its status.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
