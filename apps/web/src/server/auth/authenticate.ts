import type { Db, TokenScope } from '@pgvigil/db';
import { findSession, touchSession, redeemApiToken, type User } from '@pgvigil/db/accounts';
import { TOKEN_PREFIX, digest } from './secrets';
import { pruneIfDue } from './housekeeping';
import { sessionExpiry, TOUCH_EVERY_MS } from './session-policy';
import { normalizeAddress, PEER_HEADER, peerHeaderTrusted } from './peer';

export type AuthContext = {
  user: User;
  /** how the request proved who it is; bearer requests need no CSRF check */
  via: 'session' | 'token';
  sessionIdHash?: string;
  tokenId?: number;
  /** a token's scope: `read` may only read */
  tokenScope?: TokenScope;
  /** a token's expiry: a token cannot mint one that outlives it */
  tokenExpiresAt?: Date;
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
 * The caller's address. Behind a trusted proxy: the last X-Forwarded-For entry (the
 * one that proxy appended), then X-Real-IP. Otherwise the socket's peer, as
 * pgvigil's own server reports it (peer.ts); a caller-written X-Forwarded-For is
 * never believed. DIRECT_CLIENT when neither is known.
 */
export function clientIp(headers: Headers, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (headers.get('x-forwarded-for') ?? '').split(',').map((h) => h.trim());
    const nearest = hops.filter(Boolean).at(-1) || headers.get('x-real-ip')?.trim();
    if (nearest) return normalizeAddress(nearest);
  }
  const peer = peerHeaderTrusted() ? headers.get(PEER_HEADER)?.trim() : undefined;
  return peer ? normalizeAddress(peer) : DIRECT_CLIENT;
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
    return {
      user: found.user,
      via: 'token',
      tokenId: found.tokenId,
      tokenScope: found.scope,
      tokenExpiresAt: found.expiresAt,
    };
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
