import path from 'node:path';
import { envVars, parseEnv } from '@pgvigil/db';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: envVars.databaseUrl.optional(),
  PGVIGIL_HOME: envVars.home,
  PORT: envVars.port.default(3000),
  PGVIGIL_SECRET_KEY: envVars.optionalSecret,
  PGVIGIL_SECRET_KEY_PREVIOUS: envVars.optionalSecret,
  PGVIGIL_BASE_URL: envVars.url.optional(),
  SMTP_URL: z.string().optional(),
  /** seals and opens the secrets of `pgvigil config export --with-secrets` */
  PGVIGIL_EXPORT_PASSPHRASE: z.string().optional(),
  PGVIGIL_LOG_FORMAT: z.enum(['text', 'json'], { error: 'must be text or json' }).default('text'),
  /** append the log here instead of stdout; SIGHUP reopens it (log rotation) */
  PGVIGIL_LOG_FILE: z.string().min(1).optional(),
  PGVIGIL_TRUST_PROXY: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  /** set by npm for `npm start`: the supervisor then stops when npm is gone */
  npm_lifecycle_event: z.string().optional(),
});

export type PlatformEnv = z.infer<typeof schema> & { home: string };

/** The platform's environment; every app validates its own share again at start. */
export function loadPlatformEnv(source = process.env): PlatformEnv {
  const env = parseEnv('pgvigil', schema, source);
  return { ...env, home: path.resolve(env.PGVIGIL_HOME) };
}
