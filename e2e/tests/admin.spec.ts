import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { startEmbedded, type EmbeddedServer } from '@pgvigil/db/embedded';
import { startSshd } from '@pgvigil/db/testing/sshd';

const baseUrl = () => process.env.PGVIGIL_E2E_BASE_URL ?? '';
const ADMIN = { username: 'admin', password: 'violet-harbour-42' };
// Every character that breaks naive connection-string handling.
const MONITOR_PASSWORD = 'Mon p@ss [w]/o?r#d "q" \\ + &:%';

let root = '';
let target: EmbeddedServer | undefined;

test.beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pgvigil-e2e-target-'));
  await chmod(root, 0o755); // the postgres OS user must be able to enter it
  target = await startEmbedded({
    dataDir: path.join(root, 'data'),
    major: 18,
    superuserPassword: 'target-superuser',
    settings: { shared_preload_libraries: 'pg_stat_statements', fsync: 'off' },
  });
  const client = new pg.Client({ connectionString: target.url() });
  await client.connect();
  await client.query(
    `CREATE ROLE pgvigil_mon LOGIN PASSWORD '${MONITOR_PASSWORD.replace(/'/g, "''")}' IN ROLE pg_monitor`,
  );
  await client.end();
});

test.afterAll(async () => {
  await target?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const monitorUrl = (password: string) =>
  `postgresql://pgvigil_mon:${encodeURIComponent(password)}@127.0.0.1:${target?.port}/postgres?sslmode=disable`;

test('first run: setup, sign out, sign in, add a server by URL, test, save; a wrong password is explained', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(`${baseUrl()}/`);
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await expect(page).toHaveURL(/\/admin\/servers$/);

  await page.goto(`${baseUrl()}/settings/tokens`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto(`${baseUrl()}/admin/servers`);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/servers$/);

  const form = page.getByRole('form', { name: 'Add a server' });
  await form.getByLabel('Name').fill('e2e-primary');
  await form.getByLabel('Connection string').fill(monitorUrl(MONITOR_PASSWORD));
  await form.getByRole('button', { name: 'Test connection' }).click();
  const result = form.getByTestId('test-result');
  await expect(result).toContainText('Connected: PostgreSQL 18');
  // Once the field is left, the password inside the pasted string shows as a mask.
  await expect(form.getByLabel('Connection string')).toHaveValue(
    `postgresql://pgvigil_mon:••••@127.0.0.1:${target?.port}/postgres?sslmode=disable`,
  );
  await expect(result.locator('[data-check="pg_monitor"]')).toContainText('ok');
  await expect(result.locator('[data-check="pg_stat_statements_created"]')).toContainText(
    'CREATE EXTENSION pg_stat_statements;',
  );
  await page.screenshot({
    path: path.join(import.meta.dirname, '..', 'artifacts', 'admin-test-connection.png'),
    fullPage: true,
  });
  await form.getByRole('button', { name: 'Save server' }).click();
  const table = page.getByRole('table', { name: 'Servers' });
  await expect(table).toContainText('e2e-primary');
  await expect(table).toContainText(`pgvigil_mon@127.0.0.1:${target?.port}/postgres`);
  await expect(page.locator('body')).not.toContainText(MONITOR_PASSWORD);

  await page.getByRole('button', { name: 'Add server' }).click();
  const second = page.getByRole('form', { name: 'Add a server' });
  await second.getByLabel('Name').fill('e2e-wrong');
  // A paste is masked at once, before the field is left.
  const pasted = second.getByLabel('Connection string');
  await pasted.dispatchEvent('paste');
  await pasted.fill(monitorUrl('not-the-password'));
  await expect(pasted).toBeFocused();
  await expect(pasted).toHaveValue(
    `postgresql://pgvigil_mon:••••@127.0.0.1:${target?.port}/postgres?sslmode=disable`,
  );
  await second.getByRole('button', { name: 'Test connection' }).click();
  const failure = second.getByTestId('test-result');
  await expect(failure).toContainText('Connection failed (password_failed)');
  await expect(failure).toContainText('How to fix it');
  await expect(failure).toContainText('ALTER ROLE "pgvigil_mon" PASSWORD');
  await page.screenshot({
    path: path.join(import.meta.dirname, '..', 'artifacts', 'admin-wrong-password.png'),
    fullPage: true,
  });
  // Bulk import of a registry document (the export format), through the page.
  const doc = {
    version: 1,
    clusters: [{ name: 'imported-cluster' }],
    servers: [
      {
        name: 'e2e-imported',
        host: '127.0.0.1',
        port: target?.port,
        username: 'pgvigil_mon',
        cluster: 'imported-cluster',
      },
    ],
  };
  await page.locator('input[type=file]').setInputFiles({
    name: 'registry.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(doc)),
  });
  await expect(page.getByRole('status')).toContainText('1 server(s) created');
  await expect(table).toContainText('e2e-imported');
  await expect(table).toContainText('imported-cluster');
});

test('a server behind an SSH bastion: pgvigil shows its key, tests through a real sshd, saves', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const sshd = await startSshd();
  try {
    await page.goto(`${baseUrl()}/admin/servers`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/admin\/servers$/);
    await page.getByRole('button', { name: 'Add server' }).click();
    const form = page.getByRole('form', { name: 'Add a server' });
    await form.getByLabel('Name').fill('e2e-behind-bastion');
    await form.getByLabel('Connection string').fill(monitorUrl(MONITOR_PASSWORD));
    await form.getByText('SSH tunnel through a bastion').click();
    await form.getByLabel(/Connect through an SSH bastion/).check();
    await form.getByLabel('Bastion host').fill('127.0.0.1');
    await form.getByLabel('Bastion SSH port').fill(String(sshd.port));
    await form.getByLabel('Bastion user').fill(sshd.username);
    const key = form.getByTestId('ssh-public-key');
    await expect(key).toContainText('ssh-ed25519 ');
    await expect(key).toContainText('>> ~/.ssh/authorized_keys');
    await expect(key.getByRole('button', { name: 'Copy command' })).toBeVisible();
    const publicKey = (await key.locator('pre').first().textContent()) ?? '';
    // before the bastion knows the key: refused, with the line to add
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByTestId('test-result')).toContainText(
      'Connection failed (ssh_auth_refused)',
    );
    await sshd.authorize([publicKey]);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByTestId('test-result')).toContainText(
      new RegExp(
        `Connected: PostgreSQL 18[.\\d]* without SSL through ${sshd.username}@127\\.0\\.0\\.1:${sshd.port}`,
      ),
    );
    await expect(form.getByTestId('test-host-key')).toContainText(sshd.hostKey);
    await page.screenshot({
      path: path.join(import.meta.dirname, '..', 'artifacts', 'admin-ssh-tunnel.png'),
      fullPage: true,
    });
    await form.getByRole('button', { name: 'Save server' }).click();
    const table = page.getByRole('table', { name: 'Servers' });
    await expect(table).toContainText(`e2e-behind-bastion`);
    await expect(table).toContainText(`via ssh ${sshd.username}@127.0.0.1:${sshd.port}`);
    // the edit form shows the bastion again
    const row = table.getByRole('row').filter({ hasText: 'e2e-behind-bastion' });
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit e2e-behind-bastion' });
    await expect(edit.getByLabel(/Connect through an SSH bastion/)).toBeChecked();
  } finally {
    await sshd.stop();
  }
});
