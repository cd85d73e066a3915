import type { Role } from '@pgvigil/db';

/** Pages anyone may open: signing in and first-run setup. */
const PUBLIC_PAGES = ['/login', '/setup'];
/** Pages for administrators only: the registry, users, audit, and channels (webhook URLs, SMTP). */
const ADMIN_PAGES = ['/admin', '/channels'];

const under = (pathname: string, prefix: string) =>
  pathname === prefix || pathname.startsWith(`${prefix}/`);

/**
 * Who may open a URL, decided in one place (proxy.ts) before any page renders:
 * `api` routes (and GET /metrics) check their own callers (withAuth), `public` pages need no session,
 * every other page needs a valid session of at least the role returned.
 */
export function pageAccess(rawPathname: string): 'api' | 'public' | Role {
  let pathname = rawPathname;
  try {
    // `/%61dmin` routes to /admin: decide on the decoded path
    pathname = decodeURIComponent(rawPathname);
  } catch {
    return 'viewer';
  }
  // the Prometheus scrape answers 401/403 itself, like the API
  if (under(pathname, '/api') || pathname === '/metrics') return 'api';
  if (PUBLIC_PAGES.some((p) => under(pathname, p))) return 'public';
  if (ADMIN_PAGES.some((p) => under(pathname, p))) return 'admin';
  return 'viewer';
}
