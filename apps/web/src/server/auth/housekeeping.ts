import type { Db } from '@pgvigil/db';
import { deleteExpiredSessions, deleteOldLoginAttempts } from '@pgvigil/db/accounts';
import { LOGIN_WINDOW_MS } from './session-policy';

/** Expired sessions and old login attempts are deleted at most this often, per web process. */
export const PRUNE_EVERY_MS = 10 * 60 * 1000;
/** Login attempts are kept well past the rate-limit window, for the audit trail. */
export const LOGIN_ATTEMPTS_KEPT_MS = 24 * LOGIN_WINDOW_MS;

/** Deletes expired sessions and login attempts older than LOGIN_ATTEMPTS_KEPT_MS. */
export async function pruneAccounts(db: Db, at: Date): Promise<void> {
  await deleteExpiredSessions(db, at);
  await deleteOldLoginAttempts(db, new Date(at.getTime() - LOGIN_ATTEMPTS_KEPT_MS));
}

/**
 * A pruner that runs on authenticated requests but does the work at most once per
 * `everyMs`: no timer to manage, and an idle install has nothing to prune anyway.
 */
export function createPruner(everyMs = PRUNE_EVERY_MS) {
  let last: number | null = null;
  return async (db: Db, at: Date): Promise<boolean> => {
    if (last !== null && at.getTime() - last < everyMs && at.getTime() >= last) return false;
    last = at.getTime();
    await pruneAccounts(db, at);
    return true;
  };
}

export const pruneIfDue = createPruner();
