import { deleteSession } from '@pgvigil/db/accounts';
import { logout } from '@/contract';
import { reply } from '@/server/api';
import { clearedSessionCookie, withAuth } from '@/server/auth';
import { endSessionUrl, oidcSettings } from '@/server/auth/oidc';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/**
 * Ends the current session (a bearer token is revoked in /tokens instead). A session
 * that single sign-on started also gets the provider's sign-out address, if it has one.
 */
export const POST = withAuth('viewer', async ({ sessionIdHash, audit, user }) => {
  const source = sessionIdHash ? await deleteSession(db(), sessionIdHash) : null;
  await audit('auth.logout', 'user', user.id);
  const settings = source === 'oidc' ? oidcSettings() : null;
  // the pgvigil session is over whatever the provider answers
  const url = settings ? await endSessionUrl(settings).catch(() => null) : null;
  return reply(
    logout,
    { endSessionUrl: url },
    { headers: { 'set-cookie': clearedSessionCookie() } },
  );
});
