import type { AuthSource } from '@pgvigil/db';
import { createSession } from '@pgvigil/db/accounts';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { SESSION_COOKIE, digest, newSessionSecret } from './secrets';
import { ABSOLUTE_TIMEOUT_MS, sessionExpiry } from './session-policy';

/**
 * Whether the cookie carries Secure: from PGVIGIL_BASE_URL, the address people use,
 * never from a request header a caller could write (X-Forwarded-Proto).
 */
export function isHttps(): boolean {
  return new URL(env().PGVIGIL_BASE_URL).protocol === 'https:';
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Starts a session and returns the Set-Cookie header value. */
export async function startSession(
  request: Request,
  userId: number,
  at: Date,
  ip: string,
  source: AuthSource = 'local',
): Promise<string> {
  const secret = newSessionSecret();
  await createSession(db(), {
    idHash: digest(secret),
    userId,
    at,
    expiresAt: sessionExpiry(at, at),
    ip,
    userAgent: request.headers.get('user-agent'),
    source,
  });
  return cookie(secret, Math.floor(ABSOLUTE_TIMEOUT_MS / 1000), isHttps());
}

export function clearedSessionCookie(): string {
  return cookie('', 0, isHttps());
}
