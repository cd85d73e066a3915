import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // apps/web's `@/` alias, so its route handlers can be tested directly.
  resolve: {
    alias: [{ find: /^@\//, replacement: `${path.resolve(import.meta.dirname, 'apps/web/src')}/` }],
  },
  test: {
    include: ['{apps,packages}/*/{src,test}/**/*.test.{ts,tsx}'],
    // The release test (PGVIGIL_RELEASE_TEST=1, run alone by npm test) needs no test servers.
    globalSetup:
      process.env.PGVIGIL_RELEASE_TEST === '1' ? [] : ['packages/db/src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
