import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class HomeInUseError extends Error {
  constructor(
    readonly home: string,
    readonly pid: number,
  ) {
    super(
      `pgvigil is already running on ${home} (process ${pid}). Stop it first (Ctrl-C in its terminal, or kill ${pid}), ` +
        'or give this one its own data folder with PGVIGIL_HOME=/some/other/folder.',
    );
    this.name = 'HomeInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface HomeLock {
  /** true when a previous owner died without releasing the lock */
  recoveredStale: boolean;
  release(): Promise<void>;
}

/** One pgvigil per PGVIGIL_HOME: an exclusive lock file holding the owner's pid. */
export async function lockHome(home: string): Promise<HomeLock> {
  await mkdir(home, { recursive: true });
  const file = path.join(home, 'pgvigil.pid');
  let recoveredStale = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return {
        recoveredStale,
        release: async () => {
          const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
          if (owner === process.pid) await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new HomeInUseError(home, owner);
      }
      await rm(file, { force: true });
      recoveredStale = true;
    }
  }
  throw new Error(`Could not take the lock ${file}; another pgvigil keeps racing for it.`);
}
