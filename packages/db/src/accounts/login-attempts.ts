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
