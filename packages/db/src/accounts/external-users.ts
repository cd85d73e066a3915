import { z } from 'zod';
import type { Queryable } from '../client';
import { ROLES } from '../domain';
import { AppError, ConflictError } from '../errors';
import { USER_COLUMNS, usernameSchema, type User } from './users';

const externalSchema = z.object({
  source: z.enum(['oidc', 'proxy']),
  /** the provider's stable id: the ID token's `sub`, or the proxy's user name */
  externalId: z.string().min(1).max(500),
  username: usernameSchema,
  role: z.enum(ROLES),
});

/**
 * The user behind a single-sign-on identity, created on first sign-in. The role comes
 * from the provider's groups on every sign-in, so a user moved out of the admin group
 * loses admin at their next sign-in. A disabled user is refused whatever the provider
 * says, and a local account is never taken over by an identity with the same name.
 */
export async function signInExternalUser(
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  input: z.input<typeof externalSchema>,
): Promise<{ user: User; created: boolean; previousRole: User['role'] | null }> {
  const v = externalSchema.parse(input);
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `pgvigil.external:${v.source}:${v.externalId}`,
    ]);
    const [found] = await q.query<User>(
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.auth_source = $1 AND u.external_id = $2`,
      [v.source, v.externalId],
    );
    if (found?.disabled) {
      throw new AppError(
        'forbidden',
        `The account "${found.username}" is disabled in pgvigil.`,
        'An administrator can enable it under Admin > Users.',
      );
    }
    if (found) {
      const [updated] = await q.query<User>(
        `UPDATE users u SET role = $2, updated_at = CASE WHEN role = $2 THEN updated_at ELSE now() END
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [found.id, v.role],
      );
      return { user: updated!, created: false, previousRole: found.role };
    }
    try {
      const [created] = await q.query<User>(
        `INSERT INTO users AS u (username, password_hash, role, auth_source, external_id)
         VALUES ($1, NULL, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
        [v.username, v.role, v.source, v.externalId],
      );
      return { user: created!, created: true, previousRole: null };
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new ConflictError(
          `The user name "${v.username}" is already taken by another pgvigil account.`,
          'An administrator can rename or delete that account; pgvigil never merges accounts by name.',
        );
      }
      throw err;
    }
  });
}
