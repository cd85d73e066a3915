import {
  findUserByUsername,
  gateLoginAttempt,
  markLoginSucceeded,
  updateUser,
  type User,
} from '@pgvigil/db/accounts';
import { db } from '@/server/db';
import { DIRECT_CLIENT } from './authenticate';
import { pruneAccounts } from './housekeeping';
import { passwordLoginAllowed } from './sso';
import { ForbiddenError, RateLimitedError, UnauthorizedError } from './errors';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password';
import {
  LOGIN_WINDOW_MS,
  MAX_FAILURES_PER_ACCOUNT_AND_IP,
  MAX_FAILURES_PER_IP,
} from './session-policy';

/**
 * Checks a username and password under the rate limits. The attempt is counted
 * before anything is hashed (gateLoginAttempt), so parallel guesses cannot slip
 * past the limit; a wrong name, a wrong password and a disabled account get the
 * same answer. A hash made with older parameters is replaced on success.
 */
export async function checkLogin(input: {
  username: string;
  password: string;
  ip: string;
  at: Date;
}): Promise<User> {
  const { username, password, ip, at } = input;
  const gate = await gateLoginAttempt(db(), {
    at,
    since: new Date(at.getTime() - LOGIN_WINDOW_MS),
    ip,
    username,
    perAccount: MAX_FAILURES_PER_ACCOUNT_AND_IP,
    // callers without a known address share DIRECT_CLIENT: limiting that key would let
    // anyone lock everyone out, so only the per-account limit applies to them
    perAddress: ip === DIRECT_CLIENT ? null : MAX_FAILURES_PER_IP,
  });
  if (!gate.allowed) throw new RateLimitedError('Too many failed sign-in attempts.');
  const found = await findUserByUsername(db(), username);
  const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash()));
  if (!ok || !found?.passwordHash || found.disabled)
    throw new UnauthorizedError('Wrong user name or password.');
  if (!passwordLoginAllowed(found.username)) {
    throw new ForbiddenError(
      'Password sign-in is turned off.',
      'Sign in with single sign-on; only the break-glass admin may use a password.',
    );
  }
  await markLoginSucceeded(db(), gate.attemptId);
  if (needsRehash(found.passwordHash)) {
    await updateUser(db(), found.id, { passwordHash: await hashPassword(password) });
  }
  // Housekeeping rides on successful sign-ins: rare enough to be free, frequent enough to bound the tables.
  await pruneAccounts(db(), at);
  const { passwordHash: _hash, ...user } = found;
  return user;
}
