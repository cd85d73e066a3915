import type { Queryable } from '../client';

export async function recordLoginAttempt(
  q: Queryable,
  a: { at: Date; ip: string; username: string; succeeded: boolean },
): Promise<void> {
  await q.query(
    'INSERT INTO login_attempts (at, ip, username, succeeded) VALUES ($1, $2, $3, $4)',
    [a.at, a.ip, a.username.slice(0, 200).toLowerCase(), a.succeeded],
  );
}

export type LoginGate =
  { allowed: true; attemptId: number } | { allowed: false; limit: 'address' | 'account' };

/**
 * Decides, before any password is hashed, whether a sign-in attempt may be
 * evaluated, and if so records it at once as failed (flipped by
 * `markLoginSucceeded`). Attempts from one address queue on an advisory lock, so
 * 50 parallel guesses see each other: at most `perAccount` failures per (account,
 * address) and `perAddress` per address in the window reach the hash. Failures
 * from other addresses do not count: the real owner elsewhere still signs in.
 * `perAddress` null: the address is not known (every caller shares it), so only
 * the per-account limit applies.
 */
export async function gateLoginAttempt(
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  a: {
    at: Date;
    since: Date;
    ip: string;
    username: string;
    perAccount: number;
    perAddress: number | null;
  },
): Promise<LoginGate> {
  const username = a.username.slice(0, 200).toLowerCase();
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`pgvigil.login:${a.ip}`]);
    const [counts] = await q.query<{ byIp: number; byAccount: number }>(
      `SELECT count(*)::int AS "byIp", count(*) FILTER (WHERE username = $2)::int AS "byAccount"
         FROM login_attempts WHERE ip = $1 AND at > $3 AND NOT succeeded`,
      [a.ip, username, a.since],
    );
    if ((counts?.byAccount ?? 0) >= a.perAccount) return { allowed: false, limit: 'account' };
    if (a.perAddress !== null && (counts?.byIp ?? 0) >= a.perAddress)
      return { allowed: false, limit: 'address' };
    const [row] = await q.query<{ id: number }>(
      'INSERT INTO login_attempts (at, ip, username, succeeded) VALUES ($1, $2, $3, false) RETURNING id',
      [a.at, a.ip, username],
    );
    return { allowed: true, attemptId: row!.id };
  });
}

export async function markLoginSucceeded(q: Queryable, attemptId: number): Promise<void> {
  await q.query('UPDATE login_attempts SET succeeded = true WHERE id = $1', [attemptId]);
}

/** Failed attempts since `since`, by source address and by account name. */
export async function countFailedLogins(
  q: Queryable,
  f: { ip: string; username: string; since: Date },
): Promise<{ byIp: number; byUser: number }> {
  const rows = await q.query<{ byIp: number; byUser: number }>(
    `SELECT count(*) FILTER (WHERE ip = $1)::int AS "byIp",
            count(*) FILTER (WHERE username = $2)::int AS "byUser"
       FROM login_attempts WHERE at > $3 AND NOT succeeded AND (ip = $1 OR username = $2)`,
    [f.ip, f.username.slice(0, 200).toLowerCase(), f.since],
  );
  return rows[0] ?? { byIp: 0, byUser: 0 };
}

export async function deleteOldLoginAttempts(q: Queryable, before: Date): Promise<void> {
  await q.query('DELETE FROM login_attempts WHERE at < $1', [before]);
}

/** Forgets an account's failed sign-ins (a password reset by the admin CLI lifts the lockout). */
export async function clearFailedLogins(q: Queryable, username: string): Promise<void> {
  await q.query('DELETE FROM login_attempts WHERE username = $1 AND NOT succeeded', [
    username.slice(0, 200).toLowerCase(),
  ]);
}
