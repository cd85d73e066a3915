import type { Db } from '@pgvigil/db';
import { findSession, touchSession, useApiToken, type User } from '@pgvigil/db/accounts';
import { TOKEN_PREFIX, digest } from './secrets';
import { sessionExpiry, TOUCH_EVERY_MS } from './session-policy';

export type AuthContext = {
  user: User;
  /** how the request proved who it is; bearer requests need no CSRF check */
  via: 'session' | 'token';
  sessionIdHash?: string;
  tokenId?: number;
};

export function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The caller's address as the nearest proxy (or Next itself) reports it. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return (forwarded || headers.get('x-real-ip') || 'unknown').slice(0, 100);
}

/** Resolves a bearer token or a session secret to a user, or null. */
export async function authenticate(
  db: Db,
  credentials: { authorization: string | null; sessionSecret: string | undefined },
  at: Date,
): Promise<AuthContext | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
  if (bearer) {
    if (!bearer.startsWith(TOKEN_PREFIX) || bearer.length > 200) return null;
    const found = await useApiToken(db, digest(bearer), at);
    return found ? { user: found.user, via: 'token', tokenId: found.tokenId } : null;
  }
  const secret = credentials.sessionSecret;
  if (!secret || secret.length > 200) return null;
  const idHash = digest(secret);
  const session = await findSession(db, idHash, at);
  if (!session) return null;
  if (at.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(db, idHash, at, sessionExpiry(session.createdAt, at));
  }
  return { user: session.user, via: 'session', sessionIdHash: idHash };
}
