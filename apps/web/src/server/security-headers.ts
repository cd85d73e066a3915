import { randomBytes } from 'node:crypto';

/** A fresh nonce per response: Next.js puts it on its own scripts, the layout on its one inline script. */
export const newNonce = () => randomBytes(18).toString('base64');

/**
 * The Content-Security-Policy of every response: scripts only by this response's
 * nonce (and what they load), never eval; styles may be inline (React style
 * attributes, charts); nothing may frame pgvigil.
 */
export function contentSecurityPolicy(nonce: string, https: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Headers on every response; HSTS only when the base URL is https. */
export function securityHeaders(csp: string, https: boolean): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `Host` without a default port, lower case: `Example.com:443` over https is `example.com`. */
function normalHost(host: string, protocol: string): string {
  const h = host.trim().toLowerCase();
  const port = DEFAULT_PORT[protocol];
  return port && h.endsWith(`:${port}`) ? h.slice(0, -port.length - 1) : h;
}

/**
 * Whether a request's Host is one pgvigil answers for: the host of PGVIGIL_BASE_URL,
 * or a loopback name at the port it listens on (the machine itself, health checks).
 * Anything else is DNS rebinding or a misrouted request: 421. Behind a trusted proxy
 * the Host it forwarded (X-Forwarded-Host) is the one checked.
 */
export function hostAllowed(
  headers: Headers,
  o: { baseUrl: string; port: number; trustProxy: boolean },
): boolean {
  const base = new URL(o.baseUrl);
  const forwarded = o.trustProxy ? headers.get('x-forwarded-host')?.split(',')[0] : undefined;
  const host = forwarded ?? headers.get('host');
  if (!host) return false;
  const allowed = new Set([
    normalHost(base.host, base.protocol),
    ...['localhost', '127.0.0.1', '[::1]'].map((h) => normalHost(`${h}:${o.port}`, 'http:')),
  ]);
  return allowed.has(normalHost(host, base.protocol)) || allowed.has(normalHost(host, 'http:'));
}
