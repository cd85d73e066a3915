const BASE = 'http://pgvigil.invalid';

/**
 * Where to go after sign-in: a same-origin path, normalized, or `/`. Browsers drop
 * tabs and newlines and read `\` as `/`, so `/%09/evil.example` or `/\evil.example`
 * would leave the site; any control character, space or backslash is refused
 * outright, then the path must resolve to this origin.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2000) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/.test(next))
    return '/';
  if (!next.startsWith('/') || next.startsWith('//')) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('/') && !path.startsWith('//') ? path : '/';
}
