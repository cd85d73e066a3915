import { z } from 'zod';
import type { Queryable } from '../client';
import { ROLES, type AuthSource, type Role } from '../domain';
import { ConflictError, NotFoundError } from '../errors';

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, '1-64 letters, digits, dot, underscore, @ or dash');

/** A user as the API shows it: never the password hash. */
export type User = {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  /** where the user signs in: a pgvigil password, the OpenID provider, or the proxy */
  authSource: AuthSource;
  createdAt: Date;
  updatedAt: Date;
};
/** `passwordHash` is null for single-sign-on users: no password verifies. */
export type UserWithHash = User & { passwordHash: string | null };

export const USER_COLUMNS = `u.id, u.username, u.role, u.disabled, u.auth_source AS "authSource", u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

const createSchema = z.object({
  username: usernameSchema,
  passwordHash: z.string().min(1),
  role: z.enum(ROLES),
});

export async function countUsers(q: Queryable): Promise<number> {
  const rows = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]?.n ?? 0;
}

export async function createUser(q: Queryable, input: z.input<typeof createSchema>): Promise<User> {
  const v = createSchema.parse(input);
  try {
    const rows = await q.query<User>(
      `INSERT INTO users AS u (username, password_hash, role) VALUES ($1, $2, $3) RETURNING ${USER_COLUMNS}`,
      [v.username, v.passwordHash, v.role],
    );
    return rows[0] as User;
  } catch (err) {
    if (err instanceof ConflictError)
      throw new ConflictError(`User "${v.username}" already exists`);
    throw err;
  }
}

/**
 * Creates the first admin only while no user exists; the advisory lock makes two
 * concurrent setup requests create one admin, not two.
 */
export async function createFirstAdmin(
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  input: { username: string; passwordHash: string },
): Promise<User> {
  return db.tx(async (q) => {
    await q.query("SELECT pg_advisory_xact_lock(hashtext('pgvigil.setup'))");
    if ((await countUsers(q)) > 0) {
      throw new ConflictError('Setup is already done', 'Sign in with an existing account.');
    }
    return createUser(q, { ...input, role: 'admin' });
  });
}

export async function findUserByUsername(
  q: Queryable,
  username: string,
): Promise<UserWithHash | null> {
  const rows = await q.query<UserWithHash>(
    `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash" FROM users u WHERE lower(u.username) = lower($1)`,
    [username],
  );
  return rows[0] ?? null;
}

export async function getUser(q: Queryable, id: number): Promise<User> {
  const rows = await q.query<User>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError(`User ${id}`);
  return rows[0];
}

export async function listUsers(q: Queryable): Promise<User[]> {
  return q.query<User>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY lower(u.username)`);
}

const updateSchema = z.object({
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  passwordHash: z.string().min(1).optional(),
});

/** Refuses any change that would leave no enabled admin, and a password for a single-sign-on user. */
export async function updateUser(
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  id: number,
  input: z.input<typeof updateSchema>,
): Promise<User> {
  const v = updateSchema.parse(input);
  return db.tx(async (q) => {
    await q.query("SELECT pg_advisory_xact_lock(hashtext('pgvigil.admins'))");
    const current = await getUser(q, id);
    const losesAdmin =
      current.role === 'admin' &&
      !current.disabled &&
      ((v.role && v.role !== 'admin') || v.disabled === true);
    if (losesAdmin) await assertAnotherAdmin(q, id);
    if (v.passwordHash && current.authSource !== 'local') {
      // a password would open a second way in that the identity provider cannot revoke
      throw new ConflictError(
        `${current.username} signs in through ${current.authSource === 'oidc' ? 'single sign-on' : 'the authenticating proxy'}; pgvigil keeps no password for them`,
        'Reset the password at the identity provider, or disable the account in pgvigil.',
      );
    }
    const rows = await q.query<User>(
      `UPDATE users u SET role = coalesce($2, role), disabled = coalesce($3, disabled),
              password_hash = coalesce($4, password_hash), updated_at = now()
        WHERE id = $1 RETURNING ${USER_COLUMNS}`,
      [id, v.role ?? null, v.disabled ?? null, v.passwordHash ?? null],
    );
    return rows[0] as User;
  });
}

async function assertAnotherAdmin(q: Queryable, exceptId: number): Promise<void> {
  const rows = await q.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1",
    [exceptId],
  );
  if ((rows[0]?.n ?? 0) === 0) {
    throw new ConflictError('This is the last enabled admin', 'Make another user admin first.');
  }
}

export async function deleteUser(
  db: { tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> },
  id: number,
): Promise<User> {
  return db.tx(async (q) => {
    await q.query("SELECT pg_advisory_xact_lock(hashtext('pgvigil.admins'))");
    const current = await getUser(q, id);
    if (current.role === 'admin' && !current.disabled) await assertAnotherAdmin(q, id);
    await q.query('DELETE FROM users WHERE id = $1', [id]);
    return current;
  });
}
