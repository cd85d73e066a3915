import { describe, expect, it } from 'vitest';
import { safeNext } from '@/components/shell/safe-next';
import { OPEN_REDIRECT_PAYLOADS } from './open-redirect-payloads';

describe('the page after sign-in', () => {
  it('is never another site, however `next` is spelled', () => {
    expect(OPEN_REDIRECT_PAYLOADS.length).toBeGreaterThanOrEqual(20);
    for (const raw of OPEN_REDIRECT_PAYLOADS) {
      // as written, and as Next.js hands searchParams over (decoded once)
      for (const next of [raw, safeDecode(raw)]) {
        const to = safeNext(next);
        expect(new URL(to, 'http://pgvigil.test').origin, JSON.stringify(next)).toBe(
          'http://pgvigil.test',
        );
        expect(to.startsWith('//'), JSON.stringify(next)).toBe(false);
      }
    }
  });

  it('keeps same-origin paths with their query and hash', () => {
    expect(safeNext('/servers/3?from=now-1h#top-queries')).toBe(
      '/servers/3?from=now-1h#top-queries',
    );
    expect(safeNext('/admin/servers')).toBe('/admin/servers');
    expect(safeNext('/a/../b')).toBe('/b');
    expect(safeNext(undefined)).toBe('/');
  });
});

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
