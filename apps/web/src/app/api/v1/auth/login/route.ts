import { recordAudit } from '@pgvigil/db/accounts';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { checkLogin, requestIp, startSession } from '@/server/auth';
import { db } from '@/server/db';
import { publicRoute } from '@/server/http';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

const body = z.strictObject({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1024),
});

/** Signs in with a user name and password; sets the HttpOnly session cookie. */
export const POST = publicRoute('signing in starts the session', async (request: Request) => {
  const at = new Date();
  const input = await readJson(request, body);
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
  return NextResponse.json({ user }, { headers: { 'set-cookie': cookie } });
});
