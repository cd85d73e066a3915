import { expect, test, type Page } from '@playwright/test';

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';
// the admin the first-run test creates; created here when this file runs alone
const ADMIN = { username: 'admin', password: 'violet-harbour-42' };

async function signIn(page: Page) {
  await page.goto(`${baseUrl()}/admin/probes`);
  const action = page.getByRole('button', { name: /^(Create admin account|Sign in)$/ });
  await expect(action).toBeVisible();
  const setup = (await action.textContent()) === 'Create admin account';
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await action.click();
  await expect(page).not.toHaveURL(/\/(login|setup)/);
  if (setup) await page.goto(`${baseUrl()}/admin/probes`);
}

test('probes page: an override is edited in place, refused out of range, shown with its source, then reset', async ({
  page,
}) => {
  test.setTimeout(90_000);
  page.on('dialog', (d) => void d.accept());
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Probes' })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.locator('code', { hasText: /^slru$/ }) });
  await expect(row).toContainText('inherited: default');

  await row.getByRole('button', { name: 'Edit' }).click();
  await row.getByLabel('slru interval seconds').fill('2');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row.getByRole('alert')).toContainText('5');

  await row.getByLabel('slru interval seconds').fill('45');
  await row.getByLabel('slru enabled').selectOption('false');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('45 s');
  await expect(row).toContainText('off');
  await expect(row.getByText('set here')).toHaveCount(2);

  await row.getByRole('button', { name: 'Reset to inherited' }).click();
  await expect(row.getByText('set here')).toHaveCount(0);
  await expect(row).toContainText('5 min');
});
