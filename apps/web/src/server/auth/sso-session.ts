import type { AuthSource } from '@pgvigil/db';
import { recordAudit, signInExternalUser } from '@pgvigil/db/accounts';
import { safeNext } from '@/components/shell/safe-next';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { startSession } from './session-cookie';
import { groupRoles, roleForGroups, usernameFrom } from './sso';

/** Why a single sign-on was refused, as the login page explains it (`/login?sso=<code>`). */
export const SSO_REFUSALS = ['denied', 'disabled', 'taken', 'failed', 'unavailable'] as const;
export type SsoRefusal = (typeof SSO_REFUSALS)[number];

export class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'SsoRefused';
  }
}

/** A redirect within pgvigil: to a checked same-origin path, on the configured base URL. */
export function redirectTo(path: string, setCookies: string[] = []): Response {
  const base = env().PGVIGIL_BASE_URL.replace(/\/+$/, '');
  const headers = new Headers({
    location: `${base}${safeNext(path)}`,
    'cache-control': 'no-store',
  });
  for (const c of setCookies) headers.append('set-cookie', c);
  return new Response(null, { status: 303, headers });
}

export const refusedRedirect = (reason: SsoRefusal, setCookies: string[] = []) =>
  redirectTo(`/login?sso=${reason}`, setCookies);

/**
 * Signs in the user a provider vouched for: maps their groups to a role (or refuses),
 * creates them on first sign-in, refuses a disabled account, starts a session and
 * records it in the audit log. Answers the session's Set-Cookie.
 */
export async function startSsoSession(
  request: Request,
  identity: {
    source: Exclude<AuthSource, 'local'>;
    externalId: string;
    name: unknown;
    groups: string[];
  },
  at: Date,
  ip: string,
): Promise<string> {
  const username = usernameFrom(identity.name) ?? usernameFrom(identity.externalId);
  if (!username) throw new SsoRefused('failed', 'The provider sent no usable user name.');
  const role = roleForGroups(identity.groups, groupRoles());
  if (!role) {
    await recordAudit(db(), {
      at,
      actorUserId: null,
      actor: username,
      action: 'auth.sso_denied',
      targetType: 'user',
      ip,
      details: { via: identity.source, groups: identity.groups.slice(0, 50) },
    });
    throw new SsoRefused('denied', `${username} is in no group that pgvigil maps to a role.`);
  }
  const signedIn = await signInExternalUser(db(), {
    source: identity.source,
    externalId: identity.externalId,
    username,
    role,
  }).catch((err: unknown) => {
    const code = (err as { code?: unknown }).code;
    if (code === 'forbidden') throw new SsoRefused('disabled', `${username} is disabled.`);
    if (code === 'conflict') throw new SsoRefused('taken', `${username} is a local account.`);
    throw err;
  });
  const { user, created, previousRole } = signedIn;
  const cookie = await startSession(request, user.id, at, ip, identity.source);
  await recordAudit(db(), {
    at,
    actorUserId: user.id,
    actor: user.username,
    action: 'auth.login',
    targetType: 'user',
    targetId: user.id,
    ip,
    details: {
      via: identity.source,
      role: user.role,
      ...(created ? { created: true } : {}),
      ...(previousRole && previousRole !== user.role ? { previousRole } : {}),
    },
  });
  return cookie;
}
