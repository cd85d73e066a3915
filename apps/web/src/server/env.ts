import { datastoreEnv, envVars, parseEnv } from '@pgvigil/db';
import { z } from 'zod';

const schema = z.object({
  ...datastoreEnv,
  PGVIGIL_BASE_URL: envVars.url.default('http://localhost:3000'),
  // Behind a reverse proxy that appends the caller to X-Forwarded-For; off, that header is never believed.
  PGVIGIL_TRUST_PROXY: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  // default mail transport for the email channels' "send test"
  SMTP_URL: envVars.smtpUrl,
  // the port pgvigil's web server listens on; with loopback names, the Host it answers besides the base URL's
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // the longest an API token may live; new tokens default to 90 days (or this, if shorter)
  PGVIGIL_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  // the most probe series one GET /metrics returns; the rest are counted as left out
  PGVIGIL_METRICS_MAX_SERIES: z.coerce.number().int().min(1).max(5_000_000).default(50_000),
});

export type WebEnv = z.infer<typeof schema>;

let cached: WebEnv | undefined;
export function env(): WebEnv {
  cached ??= parseEnv('web', schema, process.env);
  return cached;
}
