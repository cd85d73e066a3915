// Regenerates docs/screenshots/server.png, the README's picture of the server page:
// runs the dashboard e2e (real stack, a real PostgreSQL under load, real browser),
// which also saves the server page to PGVIGIL_SCREENSHOT_OUT. Usage:
//   npx tsx scripts/screenshot.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const out = path.join(root, 'docs', 'screenshots', 'server.png');
mkdirSync(path.dirname(out), { recursive: true });

const result = spawnSync('npx', ['playwright', 'test', 'tests/dashboard.spec.ts'], {
  cwd: path.join(root, 'e2e'),
  stdio: 'inherit',
  env: {
    ...process.env,
    PGVIGIL_SCREENSHOT_OUT: out,
    PGVIGIL_NEXT_DIST_DIR: process.env.PGVIGIL_NEXT_DIST_DIR ?? '.next-screenshot',
  },
});
if (result.status !== 0) {
  console.error('screenshot: the dashboard e2e failed; docs/screenshots/server.png not updated.');
  process.exit(result.status ?? 1);
}
console.log(`screenshot: wrote ${path.relative(root, out)}`);
