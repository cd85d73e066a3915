import { createSession } from '@pgvigil/db/accounts';
import { db } from '@/server/db';
import { SESSION_COOKIE, digest, newSessionSecret } from './secrets';
import { ABSOLUTE_TIMEOUT_MS, sessionExpiry } from './session-policy';

/** HTTPS as the browser sees it, directly or through a TLS-terminating proxy. */
export function isHttps(request: Request): boolean {
  return (
    new URL(request.url).protocol === 'https:' ||
    request.headers.get('x-forwarded-proto') === 'https'
  );
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
): Promise<string> {
  const secret = newSessionSecret();
  await createSession(db(), {
    idHash: digest(secret),
    userId,
    at,
    expiresAt: sessionExpiry(at, at),
    ip,
    userAgent: request.headers.get('user-agent'),
  });
  return cookie(secret, Math.floor(ABSOLUTE_TIMEOUT_MS / 1000), isHttps(request));
}

export function clearedSessionCookie(request: Request): string {
  return cookie('', 0, isHttps(request));
}
