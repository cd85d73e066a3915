import type { Db, SecretBox } from '@pgvigil/db';
import type { PlatformEnv } from '../lib/env';

/** What every CLI verb gets: the datastore, the environment, its flags, and where to print. */
export interface CliContext {
  db: Db;
  env: PlatformEnv;
  flags: Record<string, string | boolean | undefined>;
  secretBox(): Promise<SecretBox>;
  out(line: string): void;
}
