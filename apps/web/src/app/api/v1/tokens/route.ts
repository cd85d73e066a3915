import { createApiToken, listApiTokens } from '@pgvigil/db/accounts';
import { ValidationError } from '@pgvigil/db';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { digest, newApiToken, withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { readJson } from '@/server/validate';

export const dynamic = 'force-dynamic';

const body = z.strictObject({
  name: z.string().trim().min(1).max(100),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});

/** The caller's own tokens (never the token values). */
export const GET = withAuth('viewer', async ({ user }) =>
  NextResponse.json({ tokens: await listApiTokens(db(), user.id) }),
);

/** Creates a token for the caller; the value is in this response only. It acts with its owner's role. */
export const POST = withAuth('viewer', async ({ request, user, at, audit }) => {
  const input = await readJson(request, body);
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
  return NextResponse.json({ token, ...created }, { status: 201 });
});
