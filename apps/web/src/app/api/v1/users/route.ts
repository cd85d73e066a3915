import { ROLES, ValidationError } from '@pgvigil/db';
import { createUser, listUsers, usernameSchema } from '@pgvigil/db/accounts';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { hashPassword, passwordProblem, withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

const body = z.strictObject({
  username: usernameSchema,
  password: z.string().max(1024),
  role: z.enum(ROLES),
});

export const GET = withAuth('admin', async () =>
  NextResponse.json({ users: await listUsers(db()) }),
);

export const POST = withAuth('admin', async ({ request, audit }) => {
  const input = await readJson(request, body);
  const problem = passwordProblem(input.password, input.username);
  if (problem) throw new ValidationError('The password is too weak', { password: problem });
  const user = await createUser(db(), {
    username: input.username,
    role: input.role,
    passwordHash: await hashPassword(input.password),
  });
  await audit('user.create', 'user', user.id, { username: user.username, role: user.role });
  return NextResponse.json({ user }, { status: 201 });
});
