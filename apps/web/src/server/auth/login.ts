import {
  countFailedLogins,
  findUserByUsername,
  recordLoginAttempt,
  type User,
} from '@pgvigil/db/accounts';
import { db } from '@/server/db';
import { DIRECT_CLIENT } from './authenticate';
import { pruneAccounts } from './housekeeping';
import { RateLimitedError, UnauthorizedError } from './errors';
import { dummyPasswordHash, verifyPassword } from './password';
import { LOGIN_WINDOW_MS, MAX_FAILURES_PER_IP, MAX_FAILURES_PER_USER } from './session-policy';

/**
 * Checks a username and password under the rate limits. Every outcome is recorded;
 * a wrong name, a wrong password and a disabled account get the same answer.
 */
export async function checkLogin(input: {
  username: string;
  password: string;
  ip: string;
  at: Date;
}): Promise<User> {
  const { username, password, ip, at } = input;
  const failures = await countFailedLogins(db(), {
    ip,
    username,
    since: new Date(at.getTime() - LOGIN_WINDOW_MS),
  });
  // Callers without a believable address share DIRECT_CLIENT; limiting that key would let
  // anyone lock everyone out, so only the per-account limit applies to them.
  const ipLimited = ip !== DIRECT_CLIENT && failures.byIp >= MAX_FAILURES_PER_IP;
  if (ipLimited || failures.byUser >= MAX_FAILURES_PER_USER) {
    throw new RateLimitedError('Too many failed sign-in attempts.');
  }
  const found = await findUserByUsername(db(), username);
  const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash()));
  const succeeded = ok && !!found && !found.disabled;
  await recordLoginAttempt(db(), { at, ip, username, succeeded });
  if (!succeeded || !found) throw new UnauthorizedError('Wrong user name or password.');
  // Housekeeping rides on successful sign-ins: rare enough to be free, frequent enough to bound the tables.
  await pruneAccounts(db(), at);
  const { passwordHash: _hash, ...user } = found;
  return user;
}
