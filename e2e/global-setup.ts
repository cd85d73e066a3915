import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStack } from './stack';

/**
 * One real stack for the e2e run; tests reach it through PGVIGIL_E2E_BASE_URL, its
 * home through PGVIGIL_E2E_HOME and everything its three apps print through
 * PGVIGIL_E2E_LOG (the secret sweep reads it).
 */
export default async function globalSetup() {
  const logs = await mkdtemp(path.join(tmpdir(), 'pgvigil-e2e-log-'));
  const logFile = path.join(logs, 'stack.log');
  const stack = await startStack({ logFile });
  process.env.PGVIGIL_E2E_BASE_URL = stack.baseUrl;
  process.env.PGVIGIL_E2E_HOME = stack.home;
  process.env.PGVIGIL_E2E_LOG = logFile;
  return async () => {
    await stack.stop();
    await rm(logs, { recursive: true, force: true });
  };
}
