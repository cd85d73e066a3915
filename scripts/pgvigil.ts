// `npm run pgvigil -- <command>` (or the `pgvigil` bin): the admin CLI.
import { parseArgs } from 'node:util';
import { loadSecretBox } from '@pgvigil/db';
import { datastoreCommand } from './cli/backup';
import { configCommand } from './cli/config';
import { doctorCommand } from './cli/doctor';
import { openCliDatastore } from './cli/datastore';
import { keyCommand } from './cli/key';
import { tokenCommand } from './cli/token';
import { userCommand } from './cli/user';
import { loadPlatformEnv } from './lib/env';

const USAGE = `usage: pgvigil <command>
  user create <name> [--role admin|editor|viewer] [--password-stdin]
  user reset-password <name> [--password-stdin] [--enable]
  user disable <name>
  token revoke <id>
  key rotate
  config export [file] [--with-secrets]
  config import <file> [--check] [--without-secrets]
  datastore backup <file>
  datastore restore <file>     (pgvigil stopped; the previous data is kept aside)
  doctor
Without --password-stdin a strong password is generated and printed once.
Secrets are sealed to a passphrase: PGVIGIL_EXPORT_PASSPHRASE, else asked on the terminal.
The datastore: DATABASE_URL, else the running pgvigil's embedded one under PGVIGIL_HOME.`;

async function main() {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      enable: { type: 'boolean' },
      'with-secrets': { type: 'boolean' },
      'without-secrets': { type: 'boolean' },
      check: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, verb, arg] = positionals;
  if (
    values.help ||
    !command ||
    !['user', 'token', 'key', 'config', 'datastore', 'doctor'].includes(command)
  ) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const env = loadPlatformEnv();
  const datastore = await openCliDatastore(env);
  const ctx = {
    db: datastore.db,
    env,
    flags: values,
    secretBox: () =>
      loadSecretBox({
        key: env.PGVIGIL_SECRET_KEY,
        previous: env.PGVIGIL_SECRET_KEY_PREVIOUS,
        home: env.home,
      }),
    out: (line: string) => console.log(line),
  };
  try {
    if (command === 'user') await userCommand(ctx, verb, arg);
    else if (command === 'token') await tokenCommand(ctx, verb, arg);
    else if (command === 'key') await keyCommand(ctx, verb);
    else if (command === 'config') await configCommand(ctx, verb, arg);
    else if (command === 'datastore')
      await datastoreCommand({ ...ctx, url: datastore.url, inUse: datastore.inUse }, verb, arg);
    else await doctorCommand(ctx);
  } finally {
    await datastore.close();
  }
}

main().catch((err: unknown) => {
  console.error(`pgvigil: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
