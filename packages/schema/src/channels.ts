// Channel types and the fields of their configuration: the API's validation, the
// secret/shown split and the channel form all read these, so a new type is named
// here once and the compiler points at the two other places it needs (its sender
// and its entry in the sender registry).

export const CHANNEL_TYPES = [
  'slack',
  'mattermost',
  'webhook',
  'email',
  'pagerduty',
  'opsgenie',
  'teams',
  'telegram',
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/**
 * What a field holds, which decides how it is validated and typed in:
 * - `url`: an http(s) URL
 * - `smtp-url`: an smtp:// or smtps:// URL
 * - `email` / `emails`: one address / one or more (a list, or comma-separated in the form)
 * - `text`: free text
 * - `headers`: a map of HTTP header names to values (API only)
 */
export type ChannelFieldKind = 'url' | 'smtp-url' | 'email' | 'emails' | 'text' | 'headers';

export interface ChannelField {
  key: string;
  label: string;
  kind: ChannelFieldKind;
  required: boolean;
  /** sealed at rest and never shown again (webhook URLs carry their token) */
  secret: boolean;
  minLength?: number;
  hint?: string;
  /** false: accepted by the API but not offered in the form */
  inForm?: boolean;
}

const field = (
  key: string,
  label: string,
  kind: ChannelFieldKind,
  more: Partial<Omit<ChannelField, 'key' | 'label' | 'kind'>> = {},
): ChannelField => ({ key, label, kind, required: false, secret: false, ...more });

const incomingWebhook = field('url', 'Webhook URL', 'url', {
  required: true,
  secret: true,
  hint: 'stored encrypted',
});

export const CHANNEL_FIELDS: Record<ChannelType, readonly ChannelField[]> = {
  slack: [incomingWebhook],
  mattermost: [
    incomingWebhook,
    field('channel', 'Channel', 'text', { hint: 'optional: overrides the webhook default' }),
    field('username', 'Username', 'text', { hint: 'optional' }),
  ],
  webhook: [
    field('url', 'Webhook URL', 'url', { required: true, secret: true, hint: 'stored encrypted' }),
    field('hmacSecret', 'HMAC secret', 'text', {
      secret: true,
      minLength: 16,
      hint: 'optional, 16+ characters',
    }),
    field('headers', 'Headers', 'headers', { secret: true, inForm: false }),
    field('template', 'Body template', 'text', {
      hint: 'optional JSON with {{title}}, {{text}}, {{kind}}, {{severity}}, {{server}}, {{rule}}, {{link}}, {{at}}, {{id}}',
    }),
  ],
  email: [
    field('to', 'To', 'emails', { required: true, hint: 'comma-separated' }),
    field('from', 'From', 'email', { hint: 'optional: pgvigil@localhost if empty' }),
    field('smtpUrl', 'SMTP URL', 'smtp-url', { secret: true, hint: 'empty: SMTP_URL' }),
  ],
  pagerduty: [
    field('routingKey', 'Integration key', 'text', {
      required: true,
      secret: true,
      minLength: 20,
      hint: 'Events API v2 integration (routing) key, stored encrypted',
    }),
    field('apiUrl', 'Events API URL', 'url', {
      hint: 'optional: https://events.pagerduty.com (EU: https://events.eu.pagerduty.com)',
    }),
  ],
  opsgenie: [
    field('apiKey', 'API key', 'text', {
      required: true,
      secret: true,
      minLength: 8,
      hint: 'an API integration key, stored encrypted',
    }),
    field('apiUrl', 'API URL', 'url', {
      hint: 'optional: https://api.opsgenie.com (EU: https://api.eu.opsgenie.com)',
    }),
  ],
  teams: [
    field('url', 'Workflow webhook URL', 'url', {
      required: true,
      secret: true,
      hint: 'a Teams workflow "When a Teams webhook request is received", stored encrypted',
    }),
  ],
  telegram: [
    field('botToken', 'Bot token', 'text', {
      required: true,
      secret: true,
      minLength: 20,
      hint: 'from @BotFather, stored encrypted',
    }),
    field('chatId', 'Chat id', 'text', {
      required: true,
      minLength: 1,
      hint: 'e.g. -1001234567890 or @channel',
    }),
    field('apiUrl', 'Bot API URL', 'url', { hint: 'optional: https://api.telegram.org' }),
  ],
};
