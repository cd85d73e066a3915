import { isTransientError } from '@pgvigil/db';
import { NextResponse, type NextRequest } from 'next/server';
import { authenticate } from '@/server/auth/authenticate';
import { pageAccess } from '@/server/auth/page-access';
import { hasRole } from '@/server/auth/roles';
import { SESSION_COOKIE } from '@/server/auth/secrets';
import { db } from '@/server/db';
import { env } from '@/server/env';
import {
  contentSecurityPolicy,
  hostAllowed,
  newNonce,
  securityHeaders,
} from '@/server/security-headers';
import { DATASTORE_AWAY_HEADER } from '@/server/self-health';

/**
 * The one guard in front of every page and route:
 * - a Host that is not pgvigil's (DNS rebinding) gets 421;
 * - every response gets the security headers and a CSP with a fresh nonce;
 * - a page needs a session that is valid in the datastore (not expired, user
 *   enabled) and the page's role, checked here before anything renders: no session
 *   goes to /login with nothing of the page in the body, a role too low goes home;
 * - when the datastore cannot answer, no session can be checked: the page is
 *   replaced by /unavailable (what is wrong, nothing of the page), at the same
 *   address, so it loads for real once the datastore is back. The session is kept.
 * API routes check their callers themselves (withAuth), with 401/403.
 */
export async function proxy(request: NextRequest) {
  const e = env();
  const https = new URL(e.PGVIGIL_BASE_URL).protocol === 'https:';
  if (
    !hostAllowed(request.headers, {
      baseUrl: e.PGVIGIL_BASE_URL,
      port: e.PORT,
      trustProxy: e.PGVIGIL_TRUST_PROXY,
    })
  ) {
    return new NextResponse(
      'Misdirected request: pgvigil does not answer for this host name. Set PGVIGIL_BASE_URL to the address people use.\n',
      { status: 421, headers: { 'content-type': 'text/plain; charset=utf-8' } },
    );
  }
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, https);
  const headers = securityHeaders(csp, https);
  const finish = (res: NextResponse) => {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  };

  const forwarded = new Headers(request.headers);
  // Next.js reads the nonce from the request's CSP and puts it on its scripts
  forwarded.set('content-security-policy', csp);
  forwarded.set('x-nonce', nonce);
  forwarded.delete(DATASTORE_AWAY_HEADER);

  const { pathname, search } = request.nextUrl;
  const access = pageAccess(pathname);
  if (access !== 'api' && access !== 'public') {
    let datastoreAway = false;
    const ctx = await authenticate(
      db(),
      { authorization: null, sessionSecret: request.cookies.get(SESSION_COOKIE)?.value },
      new Date(),
    ).catch((err: unknown) => {
      datastoreAway = isTransientError(err);
      return null;
    });
    if (datastoreAway) {
      forwarded.set(DATASTORE_AWAY_HEADER, '1');
      const url = request.nextUrl.clone();
      url.pathname = '/unavailable';
      url.search = '';
      return finish(NextResponse.rewrite(url, { request: { headers: forwarded } }));
    }
    if (!ctx) {
      const url = request.nextUrl.clone();
      url.pathname = '/login';
      url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
      return finish(NextResponse.redirect(url));
    }
    if (!hasRole(ctx.user.role, access)) {
      const url = request.nextUrl.clone();
      url.pathname = '/';
      url.search = '?forbidden=1';
      return finish(NextResponse.redirect(url));
    }
  }
  return finish(NextResponse.next({ request: { headers: forwarded } }));
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
