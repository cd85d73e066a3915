import { ForbiddenError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated changes: the browser's Origin must be this
 * site: PGVIGIL_BASE_URL, or the request's own host (which the Host check in
 * proxy.ts already limited to the base URL's and loopback names).
 */
export function assertSameOrigin(request: Request, baseUrl: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get('origin');
  const allowed = new Set<string>([new URL(baseUrl).origin]);
  const url = new URL(request.url);
  const host = request.headers.get('host');
  if (host) allowed.add(`${url.protocol}//${host}`);
  allowed.add(url.origin);
  if (!origin || !allowed.has(origin)) {
    throw new ForbiddenError(
      'Cross-site request refused',
      'Changes made with a session cookie must come from pgvigil pages; scripts should use an API token.',
    );
  }
}
