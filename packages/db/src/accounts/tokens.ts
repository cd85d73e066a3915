import { z } from 'zod';
import type { Queryable } from '../client';
import { TOKEN_SCOPES, type TokenScope } from '../domain';
import { NotFoundError } from '../errors';
import { USER_COLUMNS, type User } from './users';

export type ApiToken = {
  id: number;
  name: string;
  prefix: string;
  scope: TokenScope;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const TOKEN_COLUMNS = `t.id, t.name, t.prefix, t.scope, t.created_at AS "createdAt", t.expires_at AS "expiresAt",
  t.last_used_at AS "lastUsedAt", t.revoked_at AS "revokedAt"`;

const createSchema = z.object({
  userId: z.number().int().positive(),
  name: z.string().trim().min(1).max(100),
  prefix: z.string().min(1).max(20),
  tokenHash: z.string().min(32),
  scope: z.enum(TOKEN_SCOPES).default('full'),
  expiresAt: z.date(),
});

export async function createApiToken(
  q: Queryable,
  input: z.input<typeof createSchema>,
): Promise<ApiToken> {
  const v = createSchema.parse(input);
  const rows = await q.query<ApiToken>(
    `INSERT INTO api_tokens AS t (user_id, name, prefix, token_hash, scope, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TOKEN_COLUMNS}`,
    [v.userId, v.name, v.prefix, v.tokenHash, v.scope, v.expiresAt],
  );
  return rows[0] as ApiToken;
}

export async function listApiTokens(q: Queryable, userId: number): Promise<ApiToken[]> {
  return q.query<ApiToken>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id`,
    [userId],
  );
}

/** Revokes one of the user's own tokens; someone else's token id is "not found". */
export async function revokeApiToken(
  q: Queryable,
  userId: number,
  id: number,
  at: Date,
): Promise<ApiToken> {
  const rows = await q.query<ApiToken>(
    `UPDATE api_tokens t SET revoked_at = coalesce(revoked_at, $3)
      WHERE t.id = $1 AND t.user_id = $2 RETURNING ${TOKEN_COLUMNS}`,
    [id, userId, at],
  );
  if (!rows[0]) throw new NotFoundError(`Token ${id}`);
  return rows[0];
}

/** Revokes any user's token by id (the admin CLI); an unknown id is "not found". */
export async function revokeTokenById(q: Queryable, id: number, at: Date): Promise<ApiToken> {
  const rows = await q.query<ApiToken>(
    `UPDATE api_tokens t SET revoked_at = coalesce(revoked_at, $2) WHERE t.id = $1 RETURNING ${TOKEN_COLUMNS}`,
    [id, at],
  );
  if (!rows[0]) throw new NotFoundError(`Token ${id}`);
  return rows[0];
}

/** Revokes every live token of a user (password changed or reset, account disabled). */
export async function revokeUserTokens(q: Queryable, userId: number, at: Date): Promise<number> {
  const rows = await q.query(
    'UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
    [userId, at],
  );
  return rows.length;
}

export type RedeemedToken = {
  tokenId: number;
  scope: TokenScope;
  expiresAt: Date;
  user: User;
};

/** The owner of a live token (not revoked, not expired at `at`, owner enabled), marking it used. */
export async function redeemApiToken(
  q: Queryable,
  tokenHash: string,
  at: Date,
): Promise<RedeemedToken | null> {
  const rows = await q.query<User & { tokenId: number; scope: TokenScope; expiresAt: Date }>(
    `WITH t AS (
       UPDATE api_tokens SET last_used_at = $2
        WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2
        RETURNING id, user_id, scope, expires_at)
     SELECT t.id AS "tokenId", t.scope, t.expires_at AS "expiresAt", ${USER_COLUMNS}
       FROM t JOIN users u ON u.id = t.user_id WHERE NOT u.disabled`,
    [tokenHash, at],
  );
  const r = rows[0];
  if (!r) return null;
  const { tokenId, scope, expiresAt, ...user } = r;
  return { tokenId, scope, expiresAt, user };
}
