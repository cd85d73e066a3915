import { ValidationError } from '@pgvigil/db';
import {
  deleteUser as removeUser,
  deleteUserSessions,
  getUser as readUser,
  revokeUserTokens,
  updateUser as writeUser,
} from '@pgvigil/db/accounts';
import { getUser, updateUser } from '@/contract';
import { noContent, readBody, reply } from '@/server/api';
import { hashPassword, passwordProblem, withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

type Params = { id: string };

export const GET = withAuth<Params>('admin', async ({ params }) =>
  reply(getUser, { user: await readUser(db(), idParam(params.id, 'User')) }),
);

export const PATCH = withAuth<Params>('admin', async ({ request, params, at, audit }) => {
  const id = idParam(params.id, 'User');
  const input = await readBody(request, updateUser);
  const target = await readUser(db(), id);
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, target.username);
    if (problem) throw new ValidationError('The password is too weak', { password: problem });
  }
  const user = await writeUser(db(), id, {
    ...(input.role ? { role: input.role } : {}),
    ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
    ...(input.password !== undefined ? { passwordHash: await hashPassword(input.password) } : {}),
  });
  // A new password or a disabled account ends every open session and API token of that user.
  if (input.password !== undefined || input.disabled) {
    await deleteUserSessions(db(), id);
    await revokeUserTokens(db(), id, at);
  }
  await audit('user.update', 'user', id, {
    fields: Object.keys(input),
    ...(input.role ? { role: input.role } : {}),
    ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
  });
  return reply(updateUser, { user });
});

export const DELETE = withAuth<Params>('admin', async ({ params, audit }) => {
  const user = await removeUser(db(), idParam(params.id, 'User'));
  await audit('user.delete', 'user', user.id, { username: user.username });
  return noContent();
});
