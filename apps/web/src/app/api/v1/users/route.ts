import { ValidationError } from '@pgvigil/db';
import { createUser as insertUser, listUsers as readUsers } from '@pgvigil/db/accounts';
import { createUser, listUsers } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { hashPassword, passwordProblem, withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

export const GET = withAuth('admin', async ({ request }) => {
  const page = pageOf(await readUsers(db()), readQuery(request, listUsers));
  return reply(listUsers, { users: page.items, nextCursor: page.nextCursor });
});

export const POST = withAuth('admin', async ({ request, audit }) => {
  const input = await readBody(request, createUser);
  const problem = passwordProblem(input.password, input.username);
  if (problem) throw new ValidationError('The password is too weak', { password: problem });
  const user = await insertUser(db(), {
    username: input.username,
    role: input.role,
    passwordHash: await hashPassword(input.password),
  });
  await audit('user.create', 'user', user.id, { username: user.username, role: user.role });
  return reply(createUser, { user });
});
