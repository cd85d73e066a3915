import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'pgvigil_session';
export const TOKEN_PREFIX = 'pgv_';

/** Only this digest is stored; a datastore leak yields no usable cookie or token. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiToken(): { token: string; prefix: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(0, 12) };
}
