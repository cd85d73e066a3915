import type { Role } from '@pgvigil/db';
import { recordAudit } from '@pgvigil/db/accounts';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { route, type Access } from '@/server/http';
import { authenticate, clientIp, readCookie, type AuthContext } from './authenticate';
import { ForbiddenError, UnauthorizedError } from './errors';
import { assertSameOrigin } from './origin';
import { hasRole } from './roles';
import { SESSION_COOKIE } from './secrets';

export type AuthedRequest<P> = AuthContext & {
  request: Request;
  params: P;
  /** the request's time: the one clock read, passed down */
  at: Date;
  ip: string;
  /** records a change in the audit log as this user; details must hold no secret */
  audit(
    action: string,
    targetType: string,
    targetId?: string | number | null,
    details?: Record<string, unknown>,
  ): Promise<void>;
};

const READ_METHODS = new Set(['GET', 'HEAD']);
/** what a `metrics` token may call: the scrape, at its own address or the API's */
const METRICS_PATHS = new Set(['/metrics', '/api/v1/metrics']);

/** The caller's address for rate limits and the audit log, under PGVIGIL_TRUST_PROXY. */
export function requestIp(request: Request): string {
  return clientIp(request.headers, env().PGVIGIL_TRUST_PROXY);
}

/** Who is calling, or 401/403: bearer token or session cookie, role at least `minRole`, same-origin for cookie changes. */
export async function requireUser(
  request: Request,
  minRole: Role,
  at = new Date(),
): Promise<AuthContext> {
  const ctx = await authenticate(
    db(),
    {
      authorization: request.headers.get('authorization'),
      sessionSecret: readCookie(request.headers.get('cookie'), SESSION_COOKIE),
    },
    at,
  );
  if (!ctx) throw new UnauthorizedError();
  if (ctx.via === 'session') assertSameOrigin(request, env().PGVIGIL_BASE_URL);
  if (ctx.tokenScope === 'read' && !READ_METHODS.has(request.method)) {
    throw new ForbiddenError(
      'This token is read-only.',
      'Create a token with full scope for changes, or use the web UI.',
    );
  }
  if (ctx.tokenScope === 'metrics' && !METRICS_PATHS.has(new URL(request.url).pathname)) {
    throw new ForbiddenError(
      'This token may only scrape /metrics.',
      'Create a token with read or full scope for the API.',
    );
  }
  if (!hasRole(ctx.user.role, minRole)) {
    throw new ForbiddenError(`This needs the ${minRole} role; you are ${ctx.user.role}.`);
  }
  return ctx;
}

/**
 * Wraps a route handler: authentication, role, CSRF, error mapping. Usage:
 *   export const POST = withAuth('admin', async ({ request, user, audit }) => ...);
 */
export function withAuth<P = Record<string, string>>(
  minRole: Role,
  handler: (req: AuthedRequest<P>) => Promise<Response>,
) {
  const wrapped = route(async (request: Request, context?: { params?: Promise<P> }) => {
    const at = new Date();
    const ctx = await requireUser(request, minRole, at);
    const ip = requestIp(request);
    const params = ((await context?.params) ?? {}) as P;
    return handler({
      ...ctx,
      request,
      params,
      at,
      ip,
      audit: (action, targetType, targetId = null, details = {}) =>
        recordAudit(db(), {
          at,
          actorUserId: ctx.user.id,
          actor:
            ctx.via === 'token' ? `${ctx.user.username} (token ${ctx.tokenId})` : ctx.user.username,
          action,
          targetType,
          targetId,
          ip,
          details,
        }),
    });
  });
  return Object.assign(wrapped, { access: { kind: 'role', minRole } satisfies Access });
}
