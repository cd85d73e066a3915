import type { Db } from '@pgvigil/db';
import { findSession, touchSession, redeemApiToken, type User } from '@pgvigil/db/accounts';
import { TOKEN_PREFIX, digest } from './secrets';
import { pruneIfDue } from './housekeeping';
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

/** The rate-limit and audit key of a caller whose address cannot be believed. */
export const DIRECT_CLIENT = 'direct';

/**
 * The caller's address. Next.js fills X-Forwarded-For with the socket address only
 * when a request has none, so a direct caller can write it: it is believed only
 * behind a trusted proxy, and then its last entry (the one that proxy appended).
 */
export function clientIp(headers: Headers, trustProxy: boolean): string {
  if (!trustProxy) return DIRECT_CLIENT;
  const hops = (headers.get('x-forwarded-for') ?? '').split(',').map((h) => h.trim());
  const nearest = hops.filter(Boolean).at(-1);
  return (nearest || headers.get('x-real-ip')?.trim() || DIRECT_CLIENT).slice(0, 100);
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
    const found = await redeemApiToken(db, digest(bearer), at);
    if (!found) return null;
    await pruneIfDue(db, at);
    return { user: found.user, via: 'token', tokenId: found.tokenId };
  }
  const secret = credentials.sessionSecret;
  if (!secret || secret.length > 200) return null;
  const idHash = digest(secret);
  const session = await findSession(db, idHash, at);
  if (!session) return null;
  if (at.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(db, idHash, at, sessionExpiry(session.createdAt, at));
  }
  await pruneIfDue(db, at);
  return { user: session.user, via: 'session', sessionIdHash: idHash };
}
