import { CHANNEL_TYPES, type ChannelType } from '@pgvigil/schema';
import { z } from 'zod';

const url = z.url({ protocol: /^https?$/ });
const smtpUrl = z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://');

/**
 * Per channel type: what the API accepts in `config`, and which of it is secret.
 * Secrets (webhook URLs, HMAC keys, SMTP passwords) are sealed; the rest is shown.
 */
export const CHANNEL_CONFIGS = {
  slack: z.object({ url }).strict(),
  mattermost: z
    .object({ url, channel: z.string().optional(), username: z.string().optional() })
    .strict(),
  webhook: z
    .object({
      url,
      hmacSecret: z.string().min(16).optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  email: z
    .object({
      to: z.union([z.email(), z.array(z.email()).min(1)]),
      from: z.email().optional(),
      smtpUrl: smtpUrl.optional(),
    })
    .strict(),
} as const satisfies Record<ChannelType, z.ZodType>;

const SECRET_FIELDS: Record<ChannelType, readonly string[]> = {
  slack: ['url'],
  mattermost: ['url'],
  webhook: ['url', 'hmacSecret', 'headers'],
  email: ['smtpUrl'],
};

export const channelTypeSchema = z.enum(CHANNEL_TYPES);

/** Splits validated config into what may be shown and what must be sealed. */
export function splitChannelConfig(
  type: ChannelType,
  raw: unknown,
): { config: Record<string, unknown>; secret: Record<string, unknown> } {
  const parsed = CHANNEL_CONFIGS[type].parse(raw) as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (v === undefined) continue;
    (SECRET_FIELDS[type].includes(k) ? secret : config)[k] = v;
  }
  if (type === 'email') config.to = ([] as string[]).concat(parsed.to as string | string[]);
  if (typeof secret.url === 'string') config.urlHost = new URL(secret.url).host;
  return { config, secret };
}

export const CHANNEL_SECRET_CONTEXT = 'channels.secret';
