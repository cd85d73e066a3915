// First run, sign-in, users, API tokens and the audit log.
import { AUTH_SOURCES, ROLES, TOKEN_SCOPES } from '@pgvigil/schema';
import { z } from 'zod';
import { dataMap, id, nextCursor, pageQuery, timestamp } from './common';
import { endpoint } from './endpoint';

export const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, '1-64 letters, digits, dot, underscore, @ or dash');
const password = z.string().max(1024);

export const user = z
  .object({
    id,
    username: z.string(),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    /** how the user signs in: a pgvigil password, OpenID Connect, or the authenticating proxy */
    authSource: z.enum(AUTH_SOURCES),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'User' });
export type User = z.output<typeof user>;

export const apiToken = z
  .object({
    id,
    name: z.string(),
    /** the first characters of the value, to tell tokens apart */
    prefix: z.string(),
    /** `read`: GET requests only; `full`: whatever its owner's role allows */
    scope: z.enum(TOKEN_SCOPES),
    createdAt: timestamp,
    /** every token expires (90 days by default, at most PGVIGIL_TOKEN_MAX_DAYS) */
    expiresAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.output<typeof apiToken>;

export const auditEntry = z
  .object({
    id,
    at: timestamp,
    actorUserId: id.nullable(),
    actor: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    /** what changed: field names and non-secret values */
    details: dataMap(z.unknown()),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.output<typeof auditEntry>;

const credentials = z.strictObject({ username, password });
const userAnswer = z.object({ user });

export const setupStatus = endpoint({
  method: 'GET',
  path: '/setup',
  access: 'public',
  tag: 'setup and sessions',
  summary: 'Whether the first admin still has to be created',
  response: z.object({ needed: z.boolean() }),
});

export const setup = endpoint({
  method: 'POST',
  path: '/setup',
  access: 'public',
  tag: 'setup and sessions',
  summary: 'Creates the first admin and signs them in; 409 once any user exists',
  description:
    'From any address but the machine itself, `setupToken` must be the token `npm start` printed (also in `$PGVIGIL_HOME/setup.token`).',
  body: credentials.extend({ setupToken: z.string().max(200).optional() }),
  status: 201,
  response: userAnswer,
});

export const login = endpoint({
  method: 'POST',
  path: '/auth/login',
  access: 'public',
  tag: 'setup and sessions',
  summary: 'Signs in; sets the HttpOnly session cookie',
  description:
    '5 failed attempts per user name and 20 per client address in 15 minutes; then 429 until the window passes.',
  body: z.strictObject({
    username: z.string().min(1).max(200),
    password: z.string().min(1).max(1024),
  }),
  response: userAnswer,
});

export const logout = endpoint({
  method: 'POST',
  path: '/auth/logout',
  access: 'viewer',
  tag: 'setup and sessions',
  summary: 'Ends the current session (a token is revoked under /tokens instead)',
  description:
    "For a session started by single sign-on, `endSessionUrl` is the provider's sign-out page (when it has one): the browser goes there to end the provider's session too.",
  response: z.object({ endSessionUrl: z.string().nullable() }),
});

const nextQuery = z.object({
  /** where to land after signing in: a path of this site (anything else lands on /) */
  next: z.string().max(2000).optional(),
});

export const oidcLogin = endpoint({
  method: 'GET',
  path: '/auth/oidc/login',
  access: 'public',
  tag: 'setup and sessions',
  summary: 'Starts single sign-on: redirects the browser to the OpenID provider',
  description:
    'With PGVIGIL_OIDC_ISSUER set (404 otherwise). Authorization code with PKCE; state and nonce are checked on return.',
  query: nextQuery,
  status: 303,
  response: null,
});

export const oidcCallback = endpoint({
  method: 'GET',
  path: '/auth/oidc/callback',
  access: 'public',
  tag: 'setup and sessions',
  summary: "The OpenID provider's return: signs in and redirects to `next`",
  description:
    'Register `<PGVIGIL_BASE_URL>/api/v1/auth/oidc/callback` as the redirect URI. A refused sign-in redirects to `/login?sso=<reason>`.',
  query: z.object({
    code: z.string().optional(),
    state: z.string().optional(),
    error: z.string().optional(),
  }),
  status: 303,
  response: null,
});

export const proxyLogin = endpoint({
  method: 'GET',
  path: '/auth/proxy',
  access: 'public',
  tag: 'setup and sessions',
  summary: 'Signs in the user an authenticating proxy names in PGVIGIL_AUTH_PROXY_HEADER',
  description:
    'Believed only from PGVIGIL_AUTH_PROXY_ADDRESSES (401 from anywhere else, 404 when not configured).',
  query: nextQuery,
  status: 303,
  response: null,
});

export const me = endpoint({
  method: 'GET',
  path: '/auth/me',
  access: 'viewer',
  tag: 'setup and sessions',
  summary: 'Who the caller is, and how they authenticated',
  response: z.object({ user, via: z.enum(['session', 'token']) }),
});

export const changePassword = endpoint({
  method: 'POST',
  path: '/auth/password',
  access: 'viewer',
  tag: 'setup and sessions',
  summary: "Changes the caller's password; their other sessions end, this one is renewed",
  body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: password }),
  response: null,
});

export const listUsers = endpoint({
  method: 'GET',
  path: '/users',
  access: 'admin',
  tag: 'users and tokens',
  summary: 'Users, by name',
  query: pageQuery,
  response: z.object({ users: z.array(user), nextCursor }),
});

export const createUser = endpoint({
  method: 'POST',
  path: '/users',
  access: 'admin',
  tag: 'users and tokens',
  summary: 'Creates a user',
  body: z.strictObject({ username, password, role: z.enum(ROLES) }),
  status: 201,
  response: userAnswer,
});

const userParams = { id: 'a user id' };

export const getUser = endpoint({
  method: 'GET',
  path: '/users/{id}',
  access: 'admin',
  tag: 'users and tokens',
  summary: 'One user',
  params: userParams,
  response: userAnswer,
});

export const updateUser = endpoint({
  method: 'PATCH',
  path: '/users/{id}',
  access: 'admin',
  tag: 'users and tokens',
  summary: 'Changes a role, disables, or sets a password',
  description:
    "A new password or disabling ends the user's sessions; the last enabled admin cannot be demoted, disabled or deleted (409).",
  params: userParams,
  body: z.strictObject({
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
  }),
  response: userAnswer,
});

export const deleteUser = endpoint({
  method: 'DELETE',
  path: '/users/{id}',
  access: 'admin',
  tag: 'users and tokens',
  summary: 'Deletes a user',
  params: userParams,
  response: null,
});

export const listTokens = endpoint({
  method: 'GET',
  path: '/tokens',
  access: 'viewer',
  tag: 'users and tokens',
  summary: "The caller's own tokens, newest first (never their values)",
  query: pageQuery,
  response: z.object({ tokens: z.array(apiToken), nextCursor }),
});

export const createToken = endpoint({
  method: 'POST',
  path: '/tokens',
  access: 'viewer',
  tag: 'users and tokens',
  summary: 'Creates a token for the caller: the only answer that shows its value',
  description:
    "The token acts with its owner's current role, never more (only GET with scope `read`; only GET /metrics with scope `metrics`). It expires: by default in 90 days, at most PGVIGIL_TOKEN_MAX_DAYS, and never after the token that creates it. A password change, reset or disabled account revokes it.",
  body: z.strictObject({
    name: z.string().trim().min(1).max(100),
    /** absent or null: the default lifetime */
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    scope: z.enum(TOKEN_SCOPES).optional(),
  }),
  status: 201,
  response: apiToken.extend({ token: z.string().meta({ description: 'the value: pgv_...' }) }),
});

export const revokeToken = endpoint({
  method: 'DELETE',
  path: '/tokens/{id}',
  access: 'viewer',
  tag: 'users and tokens',
  summary: "Revokes one of the caller's tokens (someone else's is a 404)",
  params: { id: 'a token id' },
  response: null,
});

export const listAudit = endpoint({
  method: 'GET',
  path: '/audit',
  access: 'admin',
  tag: 'audit',
  summary: 'The audit log, newest first',
  query: pageQuery,
  response: z.object({ entries: z.array(auditEntry), nextCursor }),
});
