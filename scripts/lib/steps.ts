// `npm start`'s short-lived steps (scripts/steps.ts): the environment's validation,
// the secret key, the schema. Each runs in a process of its own and exits, so the
// supervisor, which lives as long as pgvigil does, never loads the PostgreSQL driver
// or the schema library (about 25 MB of its memory, docs/performance.md).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LogLevel } from './log';
import { runtimeFile } from './runtime-files';

export type StepName = 'env' | 'secrets' | 'schema';

/** The line a step ends with: its result as JSON after this mark. */
export const RESULT_MARK = '@@pgvigil-step-result ';

export type StepResult =
  | { ok: true; value: unknown }
  | { ok: false; message: string; known: boolean; stack?: string; log?: string };

/** A step that failed; `known`: a problem the message explains (no stack needed). */
export class StepError extends Error {
  constructor(
    message: string,
    readonly known: boolean,
    readonly detail?: string,
    readonly log?: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** Runs a step with our environment plus `env`, its lines to `say`; its value, or a StepError. */
export async function runStep(
  step: StepName,
  env: Record<string, string>,
  say: (line: string, level?: LogLevel) => void,
): Promise<unknown> {
  const child = spawn(process.execPath, [runtimeFile('steps'), step], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let result: StepResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length));
    else say(line);
  });
  createInterface({ input: child.stderr }).on('line', (line) => say(line, 'error'));
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', (exitCode) => resolve(exitCode));
  });
  if (result?.ok) return result.value;
  if (result) throw new StepError(result.message, result.known, result.stack, result.log);
  throw new StepError(`the ${step} step ended without a result (exit code ${code})`, false);
}
