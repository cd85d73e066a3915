import { ForbiddenError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated changes: the browser's Origin must be this
 * site (the request's own host, or PGVIGIL_BASE_URL behind a proxy).
 */
export function assertSameOrigin(request: Request, baseUrl: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.get('origin');
  const allowed = new Set<string>([new URL(baseUrl).origin]);
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (host) {
    const proto =
      request.headers.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '');
    allowed.add(`${proto}://${host}`);
  }
  allowed.add(new URL(request.url).origin);
  if (!origin || !allowed.has(origin)) {
    throw new ForbiddenError(
      'Cross-site request refused',
      'Changes made with a session cookie must come from pgvigil pages; scripts should use an API token.',
    );
  }
}
