import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { prefixer, type LogLevel } from './log';

export { prefixer };

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Apps that share this process: a line that starts with `<app>: ` is logged as that
   * app's (the engine runs the collector and the alerter).
   */
  apps?: string[];
}

const MAX_BACKOFF_MS = 30_000;
/** A child that ran this long is considered healthy again: its backoff resets. */
const STABLE_AFTER_MS = 60_000;

export interface Supervisor {
  stop(): Promise<void>;
}

/** Runs services, prefixing their output, restarting a crashed one with exponential backoff. */
export function supervise(specs: ServiceSpec[], color: boolean): Supervisor {
  let stopping = false;
  const running = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();

  const launch = (spec: ServiceSpec, index: number, backoffMs: number) => {
    const own = prefixer(spec.name, index, color);
    const shared = (spec.apps ?? []).map((app, i) => ({
      mark: `${app}: `,
      print: prefixer(app, index + i, color),
    }));
    const print = (line: string, level?: LogLevel) => {
      const app = shared.find((a) => line.startsWith(a.mark));
      if (app) app.print(line.slice(app.mark.length), level);
      else own(line, level);
    };
    const startedAt = Date.now();
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      // the IPC channel closes when this process ends, however it ends: the apps stop
      // with it (stopWithSupervisor) instead of running on as orphans
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    running.set(spec.name, child);
    createInterface({ input: child.stdout! }).on('line', print);
    createInterface({ input: child.stderr! }).on('line', (line) => print(line, 'error'));
    child.on('error', (err) => print(`could not start: ${err.message}`, 'error'));
    child.on('exit', (code, signal) => {
      running.delete(spec.name);
      if (stopping) return;
      const nextBackoff =
        Date.now() - startedAt > STABLE_AFTER_MS ? 1000 : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      print(`exited (${signal ?? `code ${code}`}); restarting in ${nextBackoff / 1000}s`, 'warn');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) launch(spec, index, nextBackoff);
      }, nextBackoff);
      timers.add(timer);
    });
  };

  specs.forEach((spec, index) => launch(spec, index, 500));

  return {
    async stop() {
      stopping = true;
      timers.forEach((t) => clearTimeout(t));
      await Promise.all(
        [...running.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

/**
 * Calls `stop` once this process's parent is gone (it was re-parented). `npm start` runs
 * the supervisor through `sh -c`, and on SIGTERM (`docker stop`, `kill <npm's pid>`) npm
 * signals that shell alone: it dies and left the supervisor, its apps and the datastore
 * running (and the datastore killed with -9 when a container's grace period ended).
 */
export function stopWhenOrphaned(stop: () => void, everyMs = 1000): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, everyMs);
  timer.unref();
}
