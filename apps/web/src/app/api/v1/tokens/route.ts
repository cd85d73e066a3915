import { createApiToken, listApiTokens } from '@pgvigil/db/accounts';
import { ValidationError } from '@pgvigil/db';
import { createToken, listTokens } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { digest, newApiToken, withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { env } from '@/server/env';

export const dynamic = 'force-dynamic';

const DAY_MS = 86_400_000;
/** A token's lifetime when none is asked for (shorter if PGVIGIL_TOKEN_MAX_DAYS is). */
const DEFAULT_TOKEN_DAYS = 90;

/** The caller's own tokens (never the token values). */
export const GET = withAuth('viewer', async ({ request, user }) => {
  const page = pageOf(await listApiTokens(db(), user.id), readQuery(request, listTokens));
  return reply(listTokens, { tokens: page.items, nextCursor: page.nextCursor });
});

/**
 * Creates a token for the caller; the value is in this response only. It acts with
 * its owner's role (or only reads, with scope `read`), expires within
 * PGVIGIL_TOKEN_MAX_DAYS, and a token cannot create one that outlives it.
 */
export const POST = withAuth('viewer', async ({ request, user, at, audit, tokenExpiresAt }) => {
  const input = await readBody(request, createToken);
  const maxDays = env().PGVIGIL_TOKEN_MAX_DAYS;
  const latest = Math.min(
    at.getTime() + maxDays * DAY_MS,
    tokenExpiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
  );
  const asked = input.expiresAt ? new Date(input.expiresAt) : null;
  if (asked && asked <= at)
    throw new ValidationError('The expiry is in the past', { expiresAt: 'must be in the future' });
  if (asked && asked.getTime() > latest) {
    throw new ValidationError('The expiry is too late', {
      expiresAt:
        tokenExpiresAt && tokenExpiresAt.getTime() < at.getTime() + maxDays * DAY_MS
          ? `must not be after the expiry of the token making it (${tokenExpiresAt.toISOString()})`
          : `must be within ${maxDays} days (PGVIGIL_TOKEN_MAX_DAYS)`,
    });
  }
  const expiresAt = asked ?? new Date(Math.min(at.getTime() + DEFAULT_TOKEN_DAYS * DAY_MS, latest));
  const { token, prefix } = newApiToken();
  const created = await createApiToken(db(), {
    userId: user.id,
    name: input.name,
    prefix,
    tokenHash: digest(token),
    scope: input.scope,
    expiresAt,
  });
  await audit('token.create', 'api_token', created.id, {
    name: created.name,
    prefix,
    scope: created.scope,
    expiresAt: created.expiresAt,
  });
  return reply(createToken, { ...created, token });
});
