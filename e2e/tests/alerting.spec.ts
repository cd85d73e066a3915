import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';
// the admin the first-run test creates; created here when this file runs alone
const ADMIN = { username: 'admin', password: 'violet-harbour-42' };

async function signIn(page: Page) {
  await page.goto(`${baseUrl()}/`);
  // unauthenticated visits pass through /login before /setup on a fresh install
  const action = page.getByRole('button', { name: /^(Create admin account|Sign in)$/ });
  await expect(action).toBeVisible();
  if ((await action.textContent()) === 'Create admin account') {
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await expect(page).not.toHaveURL(/\/setup$/);
    return;
  }
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test('alerting pages: a webhook channel receives a test message; a route sends a rule to it; a blackout shows its next windows; the rule catalog is listed', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const received: string[] = [];
  const sink = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/secret-hook`;
  try {
    await signIn(page);

    await page.goto(`${baseUrl()}/channels`);
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Type').selectOption('webhook');
    await form.getByLabel('Name').fill('e2e hook');
    await form.getByLabel('Webhook URL').fill(hook);
    await form.getByRole('button', { name: 'Add channel' }).click();
    const row = page.getByRole('row', { name: /e2e hook/ });
    await expect(row).toContainText('127.0.0.1');
    await expect(page.locator('body')).not.toContainText('secret-hook');
    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(row.getByRole('status')).toHaveText(/delivered/);
    expect(JSON.parse(received[0] ?? '{}')).toMatchObject({ kind: 'test' });

    // a route for a rule no other spec fires (the others keep the default route), then the tester
    await page.goto(`${baseUrl()}/routes`);
    const route = page.getByRole('form', { name: 'New route' });
    await route.getByLabel('Name').fill('e2e route');
    await route.getByLabel('Rules').fill('e2e_only_rule');
    await route.getByRole('checkbox', { name: 'e2e hook' }).check();
    await route.getByRole('button', { name: 'Add route' }).click();
    await expect(page.getByRole('row', { name: /e2e route/ })).toContainText('e2e hook');
    const tester = page.getByRole('form', { name: 'Route tester' });
    await tester.getByLabel('Rule key').fill('e2e_only_rule');
    await tester.getByRole('button', { name: 'Test' }).click();
    await expect(tester.getByRole('status')).toHaveText('Takes "e2e route": sent to e2e hook.');
    await tester.getByLabel('Rule key').fill('connections_used');
    await tester.getByRole('button', { name: 'Test' }).click();
    await expect(tester.getByRole('status')).toContainText('Takes the default route');

    await page.goto(`${baseUrl()}/blackouts`);
    const b = page.getByRole('form', { name: 'New blackout' });
    await b.getByLabel('Name').fill('nightly maintenance');
    await b.getByLabel('Cron').fill('0 2 * * *');
    await b.getByLabel('Duration (min)').fill('30');
    await b.getByRole('button', { name: 'Add blackout' }).click();
    const upcoming = page.getByRole('region', { name: 'Upcoming windows' });
    await expect(upcoming.getByText(/nightly maintenance/).first()).toBeVisible();
    expect(await upcoming.getByText(/nightly maintenance/).count()).toBeGreaterThanOrEqual(13);

    await page.goto(`${baseUrl()}/rules`);
    await expect(page.getByTestId('rule-connections_used')).toContainText('Connections used');
    // overrides: one at environment level, listed, then deleted
    const rule = page.getByTestId('rule-connections_used');
    await rule.locator('summary').click();
    const add = rule.getByRole('form', { name: 'Add override' });
    await add.getByLabel('level').selectOption('environment');
    await add.getByLabel('where').selectOption('production');
    await add.getByLabel('override warning').fill('70');
    await add.getByRole('button', { name: 'Save override' }).click();
    const overrideRow = rule.getByRole('row', { name: /environment production/ });
    await expect(overrideRow).toContainText('70');
    await overrideRow.getByRole('button', { name: 'Delete' }).click();
    await expect(rule.getByText('No overrides')).toBeVisible();
    // a backtest of the levels in the row's inputs, answered as a timeline
    await rule.getByRole('button', { name: 'Backtest' }).click();
    await expect(rule.getByTestId('backtest-result')).toContainText(/series/);
    // a rule parameter (the bloat minimum): set globally, kept after a reload, overridden
    const bloat = page.getByTestId('rule-table_bloat');
    await bloat.locator('summary').click();
    await bloat.getByLabel('parameter min_bytes').fill('1048576');
    await bloat.getByRole('button', { name: 'Save parameters' }).click();
    await expect(bloat.getByRole('status')).toHaveText(/saved/);
    await page.reload();
    await bloat.locator('summary').click();
    await expect(bloat.getByLabel('parameter min_bytes')).toHaveValue('1048576');
    const addParam = bloat.getByRole('form', { name: 'Add override' });
    await addParam.getByLabel('level').selectOption('environment');
    await addParam.getByLabel('where').selectOption('production');
    await addParam.getByLabel('override min_bytes').fill('4096');
    await addParam.getByRole('button', { name: 'Save override' }).click();
    await expect(bloat.getByRole('row', { name: /environment production/ })).toContainText('4096');
    // a custom rule's preview over the last 24 h (nothing saved)
    const custom = page.getByRole('form', { name: 'New custom rule' });
    await custom.getByLabel('Probe').fill('activity_extremes');
    await custom.getByLabel('Column').fill('waiting_sessions');
    await custom.getByLabel('Warning').fill('5');
    await custom.getByRole('button', { name: 'Preview last 24 h' }).click();
    await expect(custom.getByRole('region', { name: 'Preview' })).toContainText(
      /Would (not )?have fired on/,
    );
    await page.goto(`${baseUrl()}/alerts?view=history`);
    await expect(page.getByRole('heading', { name: 'Alerts' })).toBeVisible();
  } finally {
    sink.close();
  }
});
