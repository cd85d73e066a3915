import { setupTokenMatches, ValidationError } from '@pgvigil/db';
import { countUsers, createFirstAdmin, recordAudit, usernameSchema } from '@pgvigil/db/accounts';
import { setup, setupStatus } from '@/contract';
import { reply, readBody } from '@/server/api';
import {
  ForbiddenError,
  hashPassword,
  passwordProblem,
  requestIp,
  startSession,
} from '@/server/auth';
import { isLoopback } from '@/server/auth/peer';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { publicRoute } from '@/server/http';
import { parseOr400 } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Whether the first admin still has to be created. */
export const GET = publicRoute('the sign-in page asks before any user exists', async () =>
  reply(setupStatus, { needed: (await countUsers(db())) === 0 }),
);

/**
 * Creates the first admin and signs them in; 409 once any user exists. From another
 * address than the machine's own, the setup token `npm start` printed is required:
 * whoever reaches a fresh install's port first must not become its admin.
 */
export const POST = publicRoute(
  'creates the first user; refused once any exists',
  async (request: Request) => {
    const at = new Date();
    const input = await readBody(request, setup);
    const ip = requestIp(request);
    if (!isLoopback(ip) && !(await setupTokenMatches(env().PGVIGIL_HOME, input.setupToken))) {
      throw new ForbiddenError(
        input.setupToken
          ? 'The setup token is wrong'
          : 'Setup from another machine needs the setup token',
        'npm start printed it when no user existed; it is also in $PGVIGIL_HOME/setup.token. Or open setup on the machine pgvigil runs on.',
      );
    }
    const username = parseOr400(usernameSchema, input.username);
    const problem = passwordProblem(input.password, username);
    if (problem) throw new ValidationError('The password is too weak', { password: problem });
    const user = await createFirstAdmin(db(), {
      username,
      passwordHash: await hashPassword(input.password),
    });
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
