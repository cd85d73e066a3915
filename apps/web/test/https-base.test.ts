import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMajors, type TestDatastore } from '@pgvigil/db/testing';
import * as login from '@/app/api/v1/auth/login/route';
import * as setup from '@/app/api/v1/setup/route';
import { proxy } from '@/proxy';
import { hostAllowed } from '@/server/security-headers';
import { call, webDatastore, type Handler } from './helpers';

// Its own file: the web env is read once per module graph, and here the base URL is https.
const major = testMajors()[0] ?? 14;
const h = (fn: unknown) => fn as Handler;
const body = { username: 'admin', password: 'violet-harbour-42' };

describe(`behind https (PGVIGIL_BASE_URL=https://pgvigil.example) on PostgreSQL ${major}`, () => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await webDatastore(major);
    process.env.PGVIGIL_BASE_URL = 'https://pgvigil.example';
  });
  afterAll(() => ds.drop());

  it('the session cookie is Secure from the base URL alone', async () => {
    expect((await call(h(setup.POST), { method: 'POST', body })).headers.get('set-cookie')).toMatch(
      /; Secure/,
    );
    const viaHttp = await call(h(login.POST), {
      method: 'POST',
      body,
      headers: { 'x-forwarded-proto': 'http' },
    });
    expect(viaHttp.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('sends HSTS and answers for the base URL host', async () => {
    const res = await proxy(
      new NextRequest('https://pgvigil.example/login', { headers: { host: 'pgvigil.example' } }),
    );
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('believes X-Forwarded-Host only behind a trusted proxy', () => {
    const o = { baseUrl: 'https://pgvigil.example', port: 3000 };
    const forwarded = new Headers({ host: '10.0.0.9:3000', 'x-forwarded-host': 'pgvigil.example' });
    expect(hostAllowed(forwarded, { ...o, trustProxy: true })).toBe(true);
    expect(hostAllowed(forwarded, { ...o, trustProxy: false })).toBe(false);
    const spoofed = new Headers({ host: 'pgvigil.example', 'x-forwarded-host': 'evil.example' });
    expect(hostAllowed(spoofed, { ...o, trustProxy: false })).toBe(true);
    expect(hostAllowed(spoofed, { ...o, trustProxy: true })).toBe(false);
    // the name in any case, with or without the default port; another port is not it
    expect(
      hostAllowed(new Headers({ host: 'PGVIGIL.example:443' }), { ...o, trustProxy: false }),
    ).toBe(true);
    expect(
      hostAllowed(new Headers({ host: 'pgvigil.example:8443' }), { ...o, trustProxy: false }),
    ).toBe(false);
  });
});
