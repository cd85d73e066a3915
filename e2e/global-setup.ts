import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@pgvigil/db/embedded';
import { startIdp } from '../apps/web/test/oidc-idp';
import { startStack } from './stack';

/** The provider's sign-in name of the single sign-on test's user, in its admin group. */
export const SSO_ADMIN_LOGIN = 'e2e-sso-admin';

/**
 * One real stack for the e2e run; tests reach it through PGVIGIL_E2E_BASE_URL, its
 * home through PGVIGIL_E2E_HOME and everything its three apps print through
 * PGVIGIL_E2E_LOG (the secret sweep reads it). A real OpenID provider runs beside it
 * for the single sign-on test: pgvigil's base URL (http://localhost:<port>) is the
 * client's redirect address, so the port is chosen first.
 */
export default async function globalSetup() {
  const logs = await mkdtemp(path.join(tmpdir(), 'pgvigil-e2e-log-'));
  const logFile = path.join(logs, 'stack.log');
  const port = await freePort();
  const idp = await startIdp(`http://localhost:${port}`);
  idp.accounts.set(SSO_ADMIN_LOGIN, { username: 'sso.admin', groups: ['staff', 'pgvigil-admins'] });
  const stack = await startStack({
    logFile,
    port,
    env: {
      PGVIGIL_OIDC_ISSUER: idp.issuer,
      PGVIGIL_OIDC_CLIENT_ID: idp.clientId,
      PGVIGIL_OIDC_CLIENT_SECRET: idp.clientSecret,
      PGVIGIL_SSO_ADMIN_GROUPS: 'pgvigil-admins',
      PGVIGIL_SSO_DEFAULT_ROLE: 'viewer',
    },
  }).catch(async (err: unknown) => {
    await idp.close();
    throw err;
  });
  process.env.PGVIGIL_E2E_BASE_URL = stack.baseUrl;
  process.env.PGVIGIL_E2E_HOME = stack.home;
  process.env.PGVIGIL_E2E_LOG = logFile;
  return async () => {
    await stack.stop();
    await idp.close();
    await rm(logs, { recursive: true, force: true });
  };
}
