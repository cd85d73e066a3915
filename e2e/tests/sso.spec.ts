// Single sign-on in Chromium through the real OpenID provider global-setup runs
// (oidc-provider): the sign-in round trip lands with the role the groups map to, and
// signing out ends the provider's session too. The vitest suite (apps/web/test/sso.test.ts)
// covers the refusals: tampered token, wrong issuer, disabled user, state checks.
import { expect, test } from '@playwright/test';
import { SSO_ADMIN_LOGIN } from '../global-setup';

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';

test('signs in through the OpenID provider with the mapped role, and signs out of both', async ({
  browser,
  request,
}) => {
  // on a stack where this test runs alone, someone must have set pgvigil up first
  await request.post(`${baseUrl()}/api/v1/setup`, {
    data: { username: 'first-admin', password: 'amber-kettle-glacier-19' },
  });
  const context = await browser.newContext();
  // nothing leaves the machine (the provider's pages ask for a web font)
  await context.route(/.*/, (route) =>
    /^https?:\/\/(127\.0\.0\.1|localhost)(:|\/)/.test(route.request().url())
      ? route.continue()
      : route.abort(),
  );
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl()}/login?next=/admin/users`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    // the provider's own sign-in form
    await page.locator('input[name=login]').fill(SSO_ADMIN_LOGIN);
    await page.locator('input[name=password]').fill('anything');
    await page.locator('button[type=submit]').click();
    // back at pgvigil, on the page asked for: an admin page, so the role is admin
    await page.waitForURL((url) => url.pathname === '/admin/users');
    await expect(page.getByRole('cell', { name: /^sso\.admin/ })).toBeVisible();
    const me = await page.request.get(`${new URL(page.url()).origin}/api/v1/auth/me`);
    expect(await me.json()).toMatchObject({ user: { username: 'sso.admin', role: 'admin' } });

    await page.goto(`${new URL(page.url()).origin}/settings/tokens`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    // the provider asks to confirm its own sign-out, then returns to pgvigil's sign-in page
    await page.waitForURL((url) => url.pathname === '/session/end');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    const after = await page.request.get(`${new URL(page.url()).origin}/api/v1/auth/me`);
    expect(after.status()).toBe(401);
  } finally {
    await context.close();
  }
});
