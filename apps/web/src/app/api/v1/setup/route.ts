import { ValidationError } from '@pgvigil/db';
import { countUsers, createFirstAdmin, recordAudit, usernameSchema } from '@pgvigil/db/accounts';
import { setup, setupStatus } from '@/contract';
import { reply, readBody } from '@/server/api';
import { hashPassword, passwordProblem, requestIp, startSession } from '@/server/auth';
import { db } from '@/server/db';
import { publicRoute } from '@/server/http';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Whether the first admin still has to be created. */
export const GET = publicRoute('the sign-in page asks before any user exists', async () =>
  reply(setupStatus, { needed: (await countUsers(db())) === 0 }),
);

/** Creates the first admin and signs them in; 409 once any user exists. */
export const POST = publicRoute(
  'creates the first user; refused once any exists',
  async (request: Request) => {
    const at = new Date();
    const input = await readBody(request, setup);
    const username = parseOr400(usernameSchema, input.username);
    const problem = passwordProblem(input.password, username);
    if (problem) throw new ValidationError('The password is too weak', { password: problem });
    const user = await createFirstAdmin(db(), {
      username,
      passwordHash: await hashPassword(input.password),
    });
    const ip = requestIp(request);
    await recordAudit(db(), {
      at,
      actorUserId: user.id,
      actor: user.username,
      action: 'setup.first_admin',
      targetType: 'user',
      targetId: user.id,
      ip,
    });
    const cookie = await startSession(request, user.id, at, ip);
    return reply(setup, { user }, { headers: { 'set-cookie': cookie } });
  },
);
