import path from 'node:path';
import { expect, test } from '@playwright/test';

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';

test('the home page of a freshly started platform loads in Chromium', async ({ page }) => {
  const response = await page.goto(`${baseUrl()}/`);
  expect(response?.status()).toBeLessThan(400);
  // Signed out, home leads to first-run setup (no user yet) or to the sign-in page.
  await expect(page).toHaveURL(/\/(setup|login)$/);
  await expect(page).toHaveTitle(/pgvigil/);
  await page.screenshot({
    path: path.join(import.meta.dirname, '..', 'artifacts', 'home.png'),
    fullPage: true,
  });
});

test('the health API reports the datastore, schema and both background apps', async ({
  request,
}) => {
  await expect
    .poll(async () => (await (await request.get(`${baseUrl()}/api/v1/health`)).json()).status, {
      timeout: 30_000,
    })
    .toBe('ok');
  const health = await (await request.get(`${baseUrl()}/api/v1/health`)).json();
  expect(health.datastore.reachable).toBe(true);
  expect(health.migrationVersion).toBeGreaterThanOrEqual(4);
  expect(health.components.collector.status).toBe('up');
  expect(health.components.alerter.status).toBe('up');
});
