import { isIP } from 'node:net';
import { datastoreEnv, envVars, parseEnv } from '@pgvigil/db';
import { z } from 'zod';

const onOff = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((v) => v === 'true');
const list = z
  .string()
  .max(10_000)
  .transform((v) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** `10.0.0.5` or `10.0.0.0/8`: an address or a block (CIDR) */
const addressOrBlock = (v: string) => {
  const [address = '', bits, ...rest] = v.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
};

const schema = z
  .object({
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
    // Single sign-on with an OpenID Connect provider (docs/security.md): off unless the issuer is set.
    PGVIGIL_OIDC_ISSUER: z
      .url('must be the issuer URL, such as https://login.example.com/realms/ops')
      .refine(
        (v) => v.startsWith('https://') || LOOPBACK_HOSTS.has(new URL(v).hostname),
        'must be https:// (plain http only on this machine, for testing)',
      )
      .optional(),
    PGVIGIL_OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
    PGVIGIL_OIDC_CLIENT_SECRET: envVars.optionalSecret,
    PGVIGIL_OIDC_SCOPES: z
      .string()
      .regex(/(^|\s)openid(\s|$)/, 'must include openid')
      .default('openid profile email groups'),
    // the ID token claims that hold the user name and the group list
    PGVIGIL_OIDC_USERNAME_CLAIM: z.string().min(1).max(100).default('preferred_username'),
    PGVIGIL_OIDC_GROUPS_CLAIM: z.string().min(1).max(100).default('groups'),
    // Single sign-on's groups -> role (OIDC and the proxy alike): the highest role any group gives wins.
    PGVIGIL_SSO_ADMIN_GROUPS: list.default([]),
    PGVIGIL_SSO_EDITOR_GROUPS: list.default([]),
    PGVIGIL_SSO_VIEWER_GROUPS: list.default([]),
    // the role of a user in none of those groups; `deny` refuses them
    PGVIGIL_SSO_DEFAULT_ROLE: z.enum(['admin', 'editor', 'viewer', 'deny']).default('deny'),
    // false: password sign-in is refused to everyone but PGVIGIL_BREAK_GLASS_USER (a local admin)
    PGVIGIL_LOCAL_LOGIN: onOff.default(true),
    PGVIGIL_BREAK_GLASS_USER: z.string().min(1).max(64).optional(),
    // Trusted-header sign-in behind an authenticating proxy: believed only from these addresses.
    PGVIGIL_AUTH_PROXY_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name such as X-Forwarded-User')
      .transform((v) => v.toLowerCase())
      .optional(),
    PGVIGIL_AUTH_PROXY_GROUPS_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name such as X-Forwarded-Groups')
      .transform((v) => v.toLowerCase())
      .optional(),
    PGVIGIL_AUTH_PROXY_ADDRESSES: list
      .refine((v) => v.every(addressOrBlock), 'must be IP addresses or blocks such as 10.0.0.0/8')
      .default([]),
  })
  .superRefine((e, ctx) => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (e.PGVIGIL_OIDC_ISSUER && !e.PGVIGIL_OIDC_CLIENT_ID)
      problem('PGVIGIL_OIDC_CLIENT_ID', 'is required with PGVIGIL_OIDC_ISSUER');
    if (e.PGVIGIL_AUTH_PROXY_HEADER && e.PGVIGIL_AUTH_PROXY_ADDRESSES.length === 0)
      problem(
        'PGVIGIL_AUTH_PROXY_ADDRESSES',
        "is required with PGVIGIL_AUTH_PROXY_HEADER: the proxy's addresses, the only callers whose header is believed",
      );
    if (!e.PGVIGIL_LOCAL_LOGIN && !e.PGVIGIL_OIDC_ISSUER && !e.PGVIGIL_AUTH_PROXY_HEADER)
      problem(
        'PGVIGIL_LOCAL_LOGIN',
        'may be false only with PGVIGIL_OIDC_ISSUER or PGVIGIL_AUTH_PROXY_HEADER',
      );
    if (!e.PGVIGIL_LOCAL_LOGIN && !e.PGVIGIL_BREAK_GLASS_USER)
      problem(
        'PGVIGIL_BREAK_GLASS_USER',
        'is required when PGVIGIL_LOCAL_LOGIN is false: the one local admin who can still sign in with a password',
      );
  });

export type WebEnv = z.infer<typeof schema>;

let cached: WebEnv | undefined;
export function env(): WebEnv {
  cached ??= parseEnv('web', schema, process.env);
  return cached;
}

/** Tests change the environment between cases; the next env() reads it again. */
export function resetEnvForTests(): void {
  cached = undefined;
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
