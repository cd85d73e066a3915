import type { ChildProcess } from 'node:child_process';

/**
 * Resolves when a daemon's stderr says it listens (`marker`), rejects with what it
 * printed when it exits first. Its own words, not a port that accepts: a port that
 * merely accepts could belong to another test's daemon that took it first.
 */
export function untilListening(proc: ChildProcess, marker: string, name: string): Promise<void> {
  let stderr = '';
  return new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      stderr += d.toString();
      if (!stderr.includes(marker)) return;
      proc.stderr?.off('data', onData);
      proc.stderr?.resume();
      resolve();
    };
    proc.stderr?.on('data', onData);
    proc.once('exit', () => reject(new Error(`${name} exited: ${stderr}`)));
  });
}
