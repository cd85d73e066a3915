#!/usr/bin/env node
// The `pgvigil` bin: the admin CLI through the same bootstrap as `npm run pgvigil --`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bootstrap = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bootstrap.mjs');
const child = spawn(process.execPath, [bootstrap, 'pgvigil', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
