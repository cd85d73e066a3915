import { ValidationError } from '@pgvigil/db';
import {
  deleteUserSessions,
  findUserByUsername,
  revokeUserTokens,
  updateUser,
} from '@pgvigil/db/accounts';
import { changePassword } from '@/contract';
import { noContent, readBody } from '@/server/api';
import { hashPassword, passwordProblem, startSession, withAuth } from '@/server/auth';
import { verifyPassword } from '@/server/auth/password';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/**
 * Changes the caller's own password; every other session of theirs ends and every
 * API token is revoked (a leaked password may have minted one); this session is renewed.
 */
export const POST = withAuth('viewer', async ({ request, user, at, ip, audit }) => {
  const input = await readBody(request, changePassword);
  const stored = await findUserByUsername(db(), user.username);
  if (
    !stored?.passwordHash ||
    !(await verifyPassword(input.currentPassword, stored.passwordHash))
  ) {
    throw new ValidationError('The current password is wrong', { currentPassword: 'is wrong' });
  }
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) throw new ValidationError('The new password is too weak', { newPassword: problem });
  await updateUser(db(), user.id, { passwordHash: await hashPassword(input.newPassword) });
  await deleteUserSessions(db(), user.id);
  await revokeUserTokens(db(), user.id, at);
  const cookie = await startSession(request, user.id, at, ip);
  await audit('user.password_change', 'user', user.id);
  return noContent({ headers: { 'set-cookie': cookie } });
});
