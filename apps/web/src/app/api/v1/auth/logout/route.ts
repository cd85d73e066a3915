import { deleteSession } from '@pgvigil/db/accounts';
import { noContent } from '@/server/api';
import { clearedSessionCookie, withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Ends the current session (a bearer token is revoked in /tokens instead). */
export const POST = withAuth('viewer', async ({ sessionIdHash, audit, user }) => {
  if (sessionIdHash) await deleteSession(db(), sessionIdHash);
  await audit('auth.logout', 'user', user.id);
  return noContent({ headers: { 'set-cookie': clearedSessionCookie() } });
});
