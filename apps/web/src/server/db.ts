import { createDb, type Db } from '@pgvigil/db';
import { env } from './env';

// One pool per server process; Next may evaluate this module more than once in dev.
const holder = globalThis as unknown as { pgvigilDb?: Db };

export function db(): Db {
  holder.pgvigilDb ??= createDb({
    url: env().DATABASE_URL,
    applicationName: 'pgvigil-web',
    max: 10,
  });
  return holder.pgvigilDb;
}
