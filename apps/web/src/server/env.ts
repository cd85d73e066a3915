import { datastoreEnv, envVars, parseEnv } from '@pgvigil/db';
import { z } from 'zod';

const schema = z.object({
  ...datastoreEnv,
  // a streaming standby of DATABASE_URL: the dashboards' metric reads go there
  DATABASE_URL_READ: envVars.databaseUrl.optional(),
  PGVIGIL_BASE_URL: envVars.url.default('http://localhost:3000'),
  // Behind a reverse proxy that appends the caller to X-Forwarded-For; off, that header is never believed.
  PGVIGIL_TRUST_PROXY: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  // default mail transport for the email channels' "send test"
  SMTP_URL: envVars.smtpUrl,
});

export type WebEnv = z.infer<typeof schema>;

let cached: WebEnv | undefined;
export function env(): WebEnv {
  cached ??= parseEnv('web', schema, process.env);
  return cached;
}
