import type { Role } from '@pgvigil/db';
import { countUsers, type User } from '@pgvigil/db/accounts';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { db } from '@/server/db';
import { authenticate } from './authenticate';
import { hasRole } from './roles';
import { SESSION_COOKIE } from './secrets';

/** For server components: the signed-in user, or null. */
export async function currentUser(): Promise<User | null> {
  const [jar, h] = await Promise.all([cookies(), headers()]);
  const ctx = await authenticate(
    db(),
    { authorization: h.get('authorization'), sessionSecret: jar.get(SESSION_COOKIE)?.value },
    new Date(),
  );
  return ctx?.user ?? null;
}

/**
 * For pages: the signed-in user with at least `minRole`. Otherwise redirects to
 * /setup (no user exists yet), /login, or home (role too low).
 */
export async function requirePageUser(minRole: Role = 'viewer', from?: string): Promise<User> {
  const user = await currentUser();
  if (!user) {
    if ((await countUsers(db())) === 0) redirect('/setup');
    redirect(from ? `/login?next=${encodeURIComponent(from)}` : '/login');
  }
  if (!hasRole(user.role, minRole)) redirect('/?forbidden=1');
  return user;
}

/**
 * For a segment's layout, which runs before the segment's loading boundary streams:
 * a signed-in user below `minRole` gets a real redirect home. A visitor without a
 * valid session is left to the page, whose redirect to /login keeps the page asked for.
 */
export async function forbidBelow(minRole: Role): Promise<void> {
  const user = await currentUser();
  if (user && !hasRole(user.role, minRole)) redirect('/?forbidden=1');
}
