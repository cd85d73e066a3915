// `npm start`'s short-lived steps, each run by the supervisor as `node steps.mjs <step>`
// (see lib/steps.ts): the last stdout line is the result.
//   env      the platform's environment, validated (the supervisor uses this copy)
//   secrets  the secret key: loaded, or made on the first start
//   schema   the pgvigil database (embedded: created when missing), migrations, and
//            the first-run setup token
import pg from 'pg';
import {
  createDb,
  ensureSetupToken,
  EnvError,
  loadSecretBox,
  migrate,
  removeSetupToken,
  setupTokenPath,
} from '@pgvigil/db';
import { countUsers } from '@pgvigil/db/accounts';
import { EmbeddedStartError } from '@pgvigil/db/embedded';
import { loadPlatformEnv } from './lib/env';
import { RESULT_MARK, type StepResult } from './lib/steps';

const DATABASE = 'pgvigil';

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

async function schema(): Promise<void> {
  const env = loadPlatformEnv();
  const admin = process.env.PGVIGIL_STEP_ADMIN_URL;
  if (admin) await ensureDatabase(admin);
  const db = createDb({ url: env.DATABASE_URL!, applicationName: 'pgvigil-migrate', max: 1 });
  const { result, users } = await migrate(db)
    .then(async (result) => ({ result, users: await countUsers(db) }))
    .finally(() => db.close());
  console.log(
    result.applied.length
      ? `migrated: ${result.applied.join(', ')}`
      : `schema up to date (version ${result.version})`,
  );
  // Until the first admin exists, setup from another machine needs this token.
  if (users === 0) {
    const token = await ensureSetupToken(env.home);
    console.log(`first-run setup token: ${token}`);
    console.log(
      `  (setup from another machine asks for it; it is also in ${setupTokenPath(env.home)})`,
    );
  } else await removeSetupToken(env.home);
}

async function run(step: string | undefined): Promise<unknown> {
  switch (step) {
    case 'env':
      return loadPlatformEnv();
    case 'secrets': {
      const env = loadPlatformEnv();
      await loadSecretBox({
        key: env.PGVIGIL_SECRET_KEY,
        previous: env.PGVIGIL_SECRET_KEY_PREVIOUS,
        home: env.home,
      });
      return null;
    }
    case 'schema':
      return schema();
    default:
      throw new Error(`unknown step ${step}`);
  }
}

const finish = (result: StepResult, code: number) =>
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`, () => process.exit(code));

run(process.argv[2]).then(
  (value) => finish({ ok: true, value: value ?? null }, 0),
  (err: unknown) =>
    finish(
      {
        ok: false,
        message: err instanceof Error ? err.message : String(err),
        known: err instanceof EnvError || err instanceof EmbeddedStartError,
        stack: err instanceof Error ? err.stack : undefined,
      },
      1,
    ),
);
