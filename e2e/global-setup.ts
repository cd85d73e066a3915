import { startStack } from './stack';

/** One real stack for the e2e run; tests reach it through PGVIGIL_E2E_BASE_URL. */
export default async function globalSetup() {
  const stack = await startStack();
  process.env.PGVIGIL_E2E_BASE_URL = stack.baseUrl;
  process.env.PGVIGIL_E2E_HOME = stack.home;
  return async () => {
    await stack.stop();
  };
}
