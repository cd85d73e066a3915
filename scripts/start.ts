// `npm start`: the whole platform on one port. Datastore first (embedded unless
// DATABASE_URL is set), migrations, then the engine (collector and alerter in one
// process, scripts/engine.ts) and web as supervised children; Ctrl-C stops the
// children and then the datastore. This process lives as long as pgvigil: what needs
// the PostgreSQL driver or zod (the environment's validation, the secret key, the
// schema) runs in short-lived steps (lib/steps.ts), so it loads neither.
import { createServer } from 'node:net';
import path from 'node:path';
import { EmbeddedStartError } from '@pgvigil/db/embedded';
import { openDatastore, type Datastore } from './lib/datastore';
import type { PlatformEnv } from './lib/env';
import { HomeInUseError, lockHome, type HomeLock } from './lib/home-lock';
import { configureLog, onSighup } from './lib/log';
import { prefixer, stopWhenOrphaned, supervise, type Supervisor } from './lib/supervise';
import { isRelease, runtimeArgs, runtimeEnv } from './lib/runtime-files';
import { runStep, StepError } from './lib/steps';
import { buildWeb, waitForWeb } from './lib/web';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const color = Boolean(process.stdout.isTTY);
const say = prefixer('pgvigil', 3, color);

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

async function main() {
  const env = (await runStep('env', {}, say).catch((err: unknown) => {
    // as the validation in this process printed it: before the log is configured
    if (err instanceof StepError && !err.known && err.detail) console.error(err.detail);
    throw err;
  })) as PlatformEnv;
  configureLog({ format: env.PGVIGIL_LOG_FORMAT, file: env.PGVIGIL_LOG_FILE });
  const lock: HomeLock = await lockHome(env.home);
  let datastore: Datastore | undefined;
  let services: Supervisor | undefined;
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping...');
    await services?.stop();
    await datastore?.stop();
    await lock.release();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // the reader of our output gone (`npm start | tee` ended) stops us as a closed terminal
  // does, apps and datastore included; unhandled, the write error would end this process
  // alone and leave them running
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') void shutdown(0);
  });
  // under `npm start`, npm gone (its shell signalled instead of us) stops us as SIGTERM does
  if (env.npm_lifecycle_event) stopWhenOrphaned(() => void shutdown(0));
  // SIGHUP reopens PGVIGIL_LOG_FILE (log rotation); only a closed terminal still stops us
  onSighup({ terminal: Boolean(process.stdout.isTTY), stop: () => void shutdown(0), log: say });

  try {
    if (!(await portFree(env.PORT))) {
      throw new Error(
        `Port ${env.PORT} is already in use. Stop what uses it, or start pgvigil with PORT=<another port>.`,
      );
    }
    await runStep('secrets', {}, say);
    datastore = await openDatastore({
      databaseUrl: env.DATABASE_URL,
      home: env.home,
      recoveredStale: lock.recoveredStale,
      log: say,
    });
    await runStep(
      'schema',
      {
        DATABASE_URL: datastore.url,
        PGVIGIL_HOME: env.home,
        ...(datastore.adminUrl ? { PGVIGIL_STEP_ADMIN_URL: datastore.adminUrl } : {}),
      },
      say,
    );
    if (shuttingDown) return;
    // A release folder ships the web app built (and has no build tools).
    if (!isRelease()) {
      say('building the web app (cached after the first time)...');
      buildWeb();
    }
    if (shuttingDown) return;

    // The apps inherit our environment (keys, SMTP_URL, tuning); these fill in or override it.
    const childEnv = {
      DATABASE_URL: datastore.url,
      PGVIGIL_HOME: env.home,
      PGVIGIL_BASE_URL: env.PGVIGIL_BASE_URL ?? `http://localhost:${env.PORT}`,
      NEXT_TELEMETRY_DISABLED: '1',
    };
    const app = (name: 'engine' | 'web', extra: Record<string, string> = {}) => ({
      name,
      command: process.execPath,
      args: runtimeArgs(name),
      env: { ...childEnv, ...runtimeEnv(name), ...extra },
      cwd: root,
    });
    services = supervise(
      [
        // one process, two apps: its lines are still logged as [collector] and [alerter]
        { ...app('engine'), apps: ['collector', 'alerter'] },
        app('web', { PORT: String(env.PORT) }),
      ],
      color,
    );
    if (await waitForWeb(env.PORT, 60_000))
      say(`pgvigil is up: http://localhost:${env.PORT}  (Ctrl-C stops it)`);
    else say('the web app has not answered yet; see its log lines above');
  } catch (err) {
    const known =
      (err instanceof StepError && err.known) ||
      err instanceof HomeInUseError ||
      err instanceof EmbeddedStartError;
    say(`cannot start: ${err instanceof Error ? err.message : String(err)}`, 'error');
    if (err instanceof EmbeddedStartError && err.log)
      say(err.log.trim().split('\n').slice(-10).join('\n'));
    const stack = err instanceof StepError ? err.detail : err instanceof Error && err.stack;
    if (!known && stack) console.error(stack);
    await shutdown(1);
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`[pgvigil] cannot start: ${message}`);
  process.exit(1);
});
