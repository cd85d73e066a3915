import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What `npm start`'s supervisor knows about the embedded datastore, written to
 * $PGVIGIL_HOME for the web app: while the datastore is away, the datastore itself
 * cannot say what pgvigil is doing about it.
 */
export interface DatastoreState {
  /** the supervisor's process: a state left by one that is gone is ignored */
  supervisorPid: number;
  state: 'up' | 'restarting' | 'gave_up' | 'stopped';
  downSince: string | null;
  attempt: number;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  advice: string | null;
  updatedAt: string;
}

export const DATASTORE_STATE_FILE = 'datastore.state.json';

const fileIn = (home: string) => path.join(home, DATASTORE_STATE_FILE);

/** Replaces the state file in one step (a reader never sees half of it). */
export async function writeDatastoreState(home: string, state: DatastoreState): Promise<void> {
  const file = fileIn(home);
  const staging = `${file}.${process.pid}.tmp`;
  await writeFile(staging, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  await rename(staging, file);
}

export async function clearDatastoreState(home: string): Promise<void> {
  await rm(fileIn(home), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The supervisor's latest word, or null when there is none or its writer is gone. */
export async function readDatastoreState(home: string): Promise<DatastoreState | null> {
  const text = await readFile(fileIn(home), 'utf8').catch(() => null);
  if (!text) return null;
  try {
    const state = JSON.parse(text) as DatastoreState;
    return Number.isInteger(state.supervisorPid) && alive(state.supervisorPid) ? state : null;
  } catch {
    return null;
  }
}
