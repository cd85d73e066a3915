import { createApiToken, listApiTokens } from '@pgvigil/db/accounts';
import { ValidationError } from '@pgvigil/db';
import { createToken, listTokens } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { digest, newApiToken, withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The caller's own tokens (never the token values). */
export const GET = withAuth('viewer', async ({ request, user }) => {
  const page = pageOf(await listApiTokens(db(), user.id), readQuery(request, listTokens));
  return reply(listTokens, { tokens: page.items, nextCursor: page.nextCursor });
});

/** Creates a token for the caller; the value is in this response only. It acts with its owner's role. */
export const POST = withAuth('viewer', async ({ request, user, at, audit }) => {
  const input = await readBody(request, createToken);
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= at)
    throw new ValidationError('The expiry is in the past', { expiresAt: 'must be in the future' });
  const { token, prefix } = newApiToken();
  const created = await createApiToken(db(), {
    userId: user.id,
    name: input.name,
    prefix,
    tokenHash: digest(token),
    expiresAt,
  });
  await audit('token.create', 'api_token', created.id, { name: created.name, prefix });
  return reply(createToken, { ...created, token });
});
