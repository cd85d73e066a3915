// The web app as `npm start` runs it: a production build (cached by turbo), then
// pgvigil's own server around Next.js (apps/web/server/main.ts), which tells the app
// each caller's real address.
import { spawnSync } from 'node:child_process';
import { get } from 'node:http';
import path from 'node:path';
import { runtimeArgs, runtimeEnv } from './runtime-files';

const root = path.dirname(path.dirname(path.dirname(new URL(import.meta.url).pathname)));

/** Builds apps/web into $PGVIGIL_NEXT_DIST_DIR (default .next); throws when the build fails. */
export function buildWeb(env: Record<string, string | undefined> = process.env): void {
  const result = spawnSync(
    path.join(root, 'node_modules', '.bin', 'turbo'),
    ['run', 'build', '--filter=@pgvigil/web', '--output-logs=errors-only'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' },
    },
  );
  if (result.status !== 0) throw new Error('The web app failed to build; see the output above.');
}

/**
 * Command, arguments and environment (besides the platform's) that serve the built web
 * app as `npm start` does (compiled: run `buildRuntime()` first); the port comes from the
 * PORT variable of its environment.
 */
export function webCommand(): {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
} {
  return { command: process.execPath, args: runtimeArgs('web'), env: runtimeEnv('web'), cwd: root };
}

/**
 * One GET of the health endpoint: true when it answers below 500. node:http, not
 * fetch(): the first fetch of a process loads undici and compiles its WebAssembly
 * HTTP parser, about 20 MB that the supervisor, which asks this, would hold for
 * good (docs/performance.md, "Idle footprint").
 */
function answers(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(
      { host: '127.0.0.1', port, path: '/api/v1/health', agent: false, timeout: timeoutMs },
      (response) => {
        response.resume();
        resolve((response.statusCode ?? 500) < 500);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** True once the web app answers its health endpoint on `port`, false after `timeoutMs`. */
export async function waitForWeb(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(port, Math.max(1, deadline - Date.now()))) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
