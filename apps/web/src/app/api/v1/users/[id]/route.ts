import { ROLES, ValidationError } from '@pgvigil/db';
import {
  deleteUser,
  deleteUserSessions,
  getUser,
  revokeUserTokens,
  updateUser,
} from '@pgvigil/db/accounts';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { hashPassword, passwordProblem, withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam, readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

type Params = { id: string };
const body = z.strictObject({
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  password: z.string().max(1024).optional(),
});

export const GET = withAuth<Params>('admin', async ({ params }) =>
  NextResponse.json({ user: await getUser(db(), idParam(params.id, 'User')) }),
);

export const PATCH = withAuth<Params>('admin', async ({ request, params, at, audit }) => {
  const id = idParam(params.id, 'User');
  const input = await readJson(request, body);
  const target = await getUser(db(), id);
  if (input.password !== undefined) {
    const problem = passwordProblem(input.password, target.username);
    if (problem) throw new ValidationError('The password is too weak', { password: problem });
  }
  const user = await updateUser(db(), id, {
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
  return NextResponse.json({ user });
});

export const DELETE = withAuth<Params>('admin', async ({ params, audit }) => {
  const user = await deleteUser(db(), idParam(params.id, 'User'));
  await audit('user.delete', 'user', user.id, { username: user.username });
  return NextResponse.json({ deleted: user.id });
});
