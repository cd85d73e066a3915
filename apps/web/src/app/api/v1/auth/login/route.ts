import { recordAudit } from '@pgvigil/db/accounts';
import { login } from '@/contract';
import { reply, readBody } from '@/server/api';
import { checkLogin, requestIp, startSession } from '@/server/auth';
import { db } from '@/server/db';
import { publicRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** Signs in with a user name and password; sets the HttpOnly session cookie. */
export const POST = publicRoute('signing in starts the session', async (request: Request) => {
  const at = new Date();
  const input = await readBody(request, login);
  const ip = requestIp(request);
  const user = await checkLogin({ ...input, ip, at });
  const cookie = await startSession(request, user.id, at, ip);
  await recordAudit(db(), {
    at,
    actorUserId: user.id,
    actor: user.username,
    action: 'auth.login',
    targetType: 'user',
    targetId: user.id,
    ip,
  });
  return reply(login, { user }, { headers: { 'set-cookie': cookie } });
});
