import { revokeApiToken } from '@pgvigil/db/accounts';
import { noContent } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** Revokes one of the caller's own tokens. */
export const DELETE = withAuth<{ id: string }>('viewer', async ({ params, user, at, audit }) => {
  const token = await revokeApiToken(db(), user.id, idParam(params.id, 'Token'), at);
  await audit('token.revoke', 'api_token', token.id, { name: token.name, prefix: token.prefix });
  return noContent();
});
