import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIE = 'pgvigil_session';
// Pages a visitor without a session may open; the API answers 401 on its own.
const PUBLIC = ['/login', '/setup', '/api/', '/_next/', '/favicon'];

/**
 * Sends visitors without a session cookie to /login (which forwards to /setup on a
 * fresh install). Only the cookie's presence is checked here; pages verify it.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC.some((p) => pathname === p || pathname.startsWith(p))) return NextResponse.next();
  if (request.cookies.get(SESSION_COOKIE)) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = '/login';
  url.search = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
