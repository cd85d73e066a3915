// `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded
// datastore under $PGVIGIL_HOME when DATABASE_URL is unset.
import { createDb, migrate } from '@pgvigil/db';
import { openDatastore } from './lib/datastore';
import { loadPlatformEnv } from './lib/env';
import { lockHome } from './lib/home-lock';

async function main() {
  const env = loadPlatformEnv();
  const lock = env.DATABASE_URL ? null : await lockHome(env.home);
  const datastore = await openDatastore({
    databaseUrl: env.DATABASE_URL,
    home: env.home,
    recoveredStale: lock?.recoveredStale ?? false,
    log: console.log,
  });
  try {
    const db = createDb({ url: datastore.url, applicationName: 'pgvigil-migrate', max: 1 });
    const result = await migrate(db).finally(() => db.close());
    console.log(
      result.applied.length
        ? `applied: ${result.applied.join(', ')}`
        : `up to date (version ${result.version})`,
    );
  } finally {
    await datastore.stop();
    await lock?.release();
  }
}

main().catch((err: unknown) => {
  console.error(`migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
