import { execFileSync, spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';

export interface OsUser {
  uid: number;
  gid: number;
  name: string;
}

const SERVER_USER = 'postgres';

function lookup(): OsUser | null {
  const uid = spawnSync('id', ['-u', SERVER_USER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', SERVER_USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: SERVER_USER };
}

/**
 * PostgreSQL refuses to run as root. When we are root we run it as the `postgres`
 * OS user, creating it if needed; otherwise as ourselves (null).
 */
export function serverOsUser(): OsUser | null {
  if (userInfo().uid !== 0) return null;
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SERVER_USER], {
      stdio: 'pipe',
    });
  } catch (err) {
    const again = lookup(); // a concurrent process may have created it
    if (again) return again;
    throw new Error(
      `Running as root, pgvigil needs an OS user "${SERVER_USER}" to run PostgreSQL and could not create it: ${(err as Error).message}`,
    );
  }
  const created = lookup();
  if (!created) throw new Error(`OS user "${SERVER_USER}" was created but cannot be looked up.`);
  return created;
}

/** Runs `test <args>` as the server's OS user: true when the check passes. */
export function runAsPostgresCheck(osUser: OsUser, testArgs: string[]): boolean {
  const result = spawnSync('test', testArgs, { uid: osUser.uid, gid: osUser.gid });
  return result.status === 0;
}

/** The first ancestor of `dir` that the server's OS user cannot traverse, if any. */
export function unreachableAncestor(osUser: OsUser, dir: string): string | null {
  const parts = path.resolve(dir).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of parts) {
    current = path.join(current, part);
    const probe = spawnSync('test', ['-x', current], { uid: osUser.uid, gid: osUser.gid });
    // A folder that does not exist yet is created by us with a reachable mode.
    const missing = spawnSync('test', ['-e', current]).status !== 0;
    if (missing) return null;
    if (probe.status !== 0) return current;
  }
  return null;
}
