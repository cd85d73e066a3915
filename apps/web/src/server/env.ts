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
  // the port pgvigil's web server listens on; with loopback names, the Host it answers besides the base URL's
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // the longest an API token may live; new tokens default to 90 days (or this, if shorter)
  PGVIGIL_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  // the most probe series one GET /metrics returns; the rest are counted as left out
  PGVIGIL_METRICS_MAX_SERIES: z.coerce.number().int().min(1).max(5_000_000).default(50_000),
  // The optional Ask panel: any OpenAI-compatible chat-completions endpoint; off unless URL and model are set.
  PGVIGIL_LLM_BASE_URL: z
    .string()
    .refine(
      (v) => /^https?:\/\/[^/]/.test(v),
      'must be an http(s) URL such as http://localhost:11434/v1',
    )
    .optional(),
  PGVIGIL_LLM_MODEL: z.string().min(1).max(200).optional(),
  PGVIGIL_LLM_API_KEY: envVars.optionalSecret,
  PGVIGIL_LLM_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
});

export type WebEnv = z.infer<typeof schema>;

let cached: WebEnv | undefined;
export function env(): WebEnv {
  cached ??= parseEnv('web', schema, process.env);
  return cached;
}

/** The language model of the Ask panel, or null when it is off (the default). */
export function llmConfig(): {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs: number;
} | null {
  const e = env();
  if (!e.PGVIGIL_LLM_BASE_URL || !e.PGVIGIL_LLM_MODEL) return null;
  return {
    baseUrl: e.PGVIGIL_LLM_BASE_URL,
    model: e.PGVIGIL_LLM_MODEL,
    apiKey: e.PGVIGIL_LLM_API_KEY,
    timeoutMs: e.PGVIGIL_LLM_TIMEOUT_SECONDS * 1000,
  };
}
