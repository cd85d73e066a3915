import { createDb, type Db } from '@pgvigil/db';
import { env } from './env';

// One pool per server process; Next may evaluate this module more than once in dev.
const holder = globalThis as unknown as { pgvigilDb?: Db };

export function db(): Db {
  const { DATABASE_URL, DATABASE_URL_READ } = env();
  holder.pgvigilDb ??= createDb({
    url: DATABASE_URL,
    ...(DATABASE_URL_READ ? { readUrl: DATABASE_URL_READ } : {}),
    applicationName: 'pgvigil-web',
    max: 10,
  });
  return holder.pgvigilDb;
}
