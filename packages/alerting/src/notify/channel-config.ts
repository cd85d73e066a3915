import {
  CHANNEL_FIELDS,
  CHANNEL_TYPES,
  type ChannelField,
  type ChannelFieldKind,
  type ChannelType,
} from '@pgvigil/schema';
import { z } from 'zod';

const KINDS: Record<ChannelFieldKind, z.ZodType> = {
  url: z.url({ protocol: /^https?$/ }),
  'smtp-url': z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://'),
  email: z.email(),
  emails: z.union([z.email(), z.array(z.email()).min(1)]),
  text: z.string(),
  headers: z.record(z.string(), z.string()),
};

function fieldSchema(f: ChannelField): z.ZodType {
  const base = f.minLength && f.kind === 'text' ? z.string().min(f.minLength) : KINDS[f.kind];
  return f.required ? base : base.optional();
}

function configSchema(type: ChannelType) {
  return z
    .object(Object.fromEntries(CHANNEL_FIELDS[type].map((f) => [f.key, fieldSchema(f)])))
    .strict();
}

/**
 * Per channel type: what the API accepts in `config` (from the fields in @pgvigil/schema).
 * Secret fields (webhook URLs, HMAC keys, SMTP URLs with passwords) are sealed; the rest is shown.
 */
export const CHANNEL_CONFIGS = Object.fromEntries(
  CHANNEL_TYPES.map((t) => [t, configSchema(t)]),
) as Record<ChannelType, ReturnType<typeof configSchema>>;

export const channelTypeSchema = z.enum(CHANNEL_TYPES);

/** Splits validated config into what may be shown and what must be sealed. */
export function splitChannelConfig(
  type: ChannelType,
  raw: unknown,
): { config: Record<string, unknown>; secret: Record<string, unknown> } {
  const parsed = CHANNEL_CONFIGS[type].parse(raw) as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const f of CHANNEL_FIELDS[type]) {
    const v = parsed[f.key];
    if (v === undefined) continue;
    (f.secret ? secret : config)[f.key] = f.kind === 'emails' ? ([] as unknown[]).concat(v) : v;
  }
  if (typeof secret.url === 'string') config.urlHost = new URL(secret.url).host;
  return { config, secret };
}

export const CHANNEL_SECRET_CONTEXT = 'channels.secret';
