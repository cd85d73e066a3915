import { describe, expect, it } from 'vitest';
import { discoverPages, discoverRoutes } from './discover';

describe('route discovery', () => {
  it('finds every handler, and each declares who may call it', async () => {
    const routes = await discoverRoutes();
    // a floor, so a broken walk (no files found) fails instead of covering nothing
    expect(routes.length).toBeGreaterThan(60);
    const undeclared = routes.filter((r) => r.access === undefined);
    expect(
      undeclared.map((r) => `${r.method} ${r.urlPattern}`),
      'wrap each handler in withAuth(minRole, ...) or publicRoute(why, ...)',
    ).toEqual([]);
    const open = routes.filter((r) => r.access?.kind === 'public');
    expect(open.map((r) => `${r.method} ${r.urlPattern}`).sort()).toEqual([
      // single sign-on: the start and the provider's return come before any session, and the
      // proxy sign-in believes its header only from PGVIGIL_AUTH_PROXY_ADDRESSES
      'GET /api/v1/auth/oidc/callback',
      'GET /api/v1/auth/oidc/login',
      'GET /api/v1/auth/proxy',
      'GET /api/v1/health',
      'GET /api/v1/setup',
      'POST /api/v1/auth/login',
      'POST /api/v1/setup',
    ]);
  });

  it('finds every page with its URL (route groups left out)', () => {
    const pages = discoverPages().map((p) => p.urlPattern);
    expect(pages).toContain('/');
    expect(pages).toContain('/servers/[id]/databases/[db]/tables/[schema]/[table]');
    expect(pages).toContain('/alerts');
    expect(pages.some((p) => p.includes('('))).toBe(false);
  });
});
