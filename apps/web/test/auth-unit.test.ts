import { describe, expect, it } from 'vitest';
import { clientIp, DIRECT_CLIENT, readCookie } from '@/server/auth/authenticate';
import { assertSameOrigin } from '@/server/auth/origin';
import { hashPassword, passwordProblem, verifyPassword } from '@/server/auth/password';
import { hasRole } from '@/server/auth/roles';
import { sessionExpiry, IDLE_TIMEOUT_MS, ABSOLUTE_TIMEOUT_MS } from '@/server/auth/session-policy';

describe('passwords', () => {
  it('hashes with a fresh salt and verifies only the same password', async () => {
    const a = await hashPassword('long enough passphrase');
    const b = await hashPassword('long enough passphrase');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(await verifyPassword('long enough passphrase', a)).toBe(true);
    expect(await verifyPassword('long enough passphrasf', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('refuses short, common, repetitive and name-containing passwords', () => {
    expect(passwordProblem('short', 'ann')).toMatch(/12/);
    expect(passwordProblem('Password1234', 'ann')).toMatch(/common/);
    expect(passwordProblem('aaaaaaaaaaaaaaa', 'ann')).toMatch(/repeats/);
    expect(passwordProblem('my-name-is-annabel!', 'annabel')).toMatch(/user name/);
    expect(passwordProblem('violet-harbour-42', 'ann')).toBeNull();
  });
});

describe('sessions and roles', () => {
  it('expires after the idle time, never past the absolute limit', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    expect(sessionExpiry(created, created).getTime()).toBe(created.getTime() + IDLE_TIMEOUT_MS);
    const late = new Date(created.getTime() + ABSOLUTE_TIMEOUT_MS - 1000);
    expect(sessionExpiry(created, late).getTime()).toBe(created.getTime() + ABSOLUTE_TIMEOUT_MS);
  });

  it('orders roles admin > editor > viewer', () => {
    expect(hasRole('admin', 'editor')).toBe(true);
    expect(hasRole('editor', 'editor')).toBe(true);
    expect(hasRole('viewer', 'editor')).toBe(false);
  });

  it('reads one cookie among several', () => {
    expect(readCookie('a=1; pgvigil_session=abc; b=2', 'pgvigil_session')).toBe('abc');
    expect(readCookie(null, 'pgvigil_session')).toBeUndefined();
  });
});

describe('origin check', () => {
  const req = (origin: string | null, method = 'POST') =>
    new Request('http://localhost:3000/api/v1/servers', {
      method,
      headers: { host: 'localhost:3000', ...(origin ? { origin } : {}) },
    });
  it('accepts this site and refuses others or none on changes', () => {
    expect(() =>
      assertSameOrigin(req('http://localhost:3000'), 'http://pgvigil.example'),
    ).not.toThrow();
    expect(() =>
      assertSameOrigin(req('http://pgvigil.example'), 'http://pgvigil.example'),
    ).not.toThrow();
    expect(() => assertSameOrigin(req('http://evil.example'), 'http://pgvigil.example')).toThrow(
      /Cross-site/,
    );
    expect(() => assertSameOrigin(req(null), 'http://pgvigil.example')).toThrow(/Cross-site/);
    expect(() => assertSameOrigin(req(null, 'GET'), 'http://pgvigil.example')).not.toThrow();
  });
});

describe('client address', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  it('never believes X-Forwarded-For unless told a proxy is in front', () => {
    expect(clientIp(headers({ 'x-forwarded-for': '203.0.113.7' }), false)).toBe(DIRECT_CLIENT);
    expect(clientIp(headers({ 'x-real-ip': '203.0.113.7' }), false)).toBe(DIRECT_CLIENT);
  });
  it('behind a proxy takes the address it appended, then X-Real-IP', () => {
    const spoofed = headers({ 'x-forwarded-for': '10.9.9.9, 203.0.113.7 ' });
    expect(clientIp(spoofed, true)).toBe('203.0.113.7');
    expect(clientIp(headers({ 'x-real-ip': '2001:db8::1' }), true)).toBe('2001:db8::1');
    expect(clientIp(headers({}), true)).toBe(DIRECT_CLIENT);
  });
});
