import { createHmac } from 'node:crypto';
import { headline, plainText, type NotificationPayload } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';

/**
 * Generic JSON webhook: the payload as is, or the user's template. With a secret, the body is signed:
 * X-Pgvigil-Signature = "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A JSON string's content (no quotes): a value dropped between quotes keeps the JSON valid. */
const inString = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * The user's body template with its placeholders filled: `{{title}}`, `{{text}}` (the
 * plain-text message), `{{kind}}`, `{{severity}}`, `{{server}}`, `{{rule}}`, `{{link}}`,
 * `{{at}}`, `{{id}}`. Each value is escaped as the inside of a JSON string, so the
 * template decides the shape and no value can add a field. The result must be JSON.
 */
export function renderBodyTemplate(template: string, p: NotificationPayload, id: string): string {
  const values: Record<string, string> = {
    title: headline(p).replace(/^\S+ /, ''),
    text: plainText(p),
    kind: p.kind,
    severity: p.severity,
    server: p.server?.name ?? '',
    rule: p.rule?.key ?? '',
    link: p.link,
    at: p.at,
    id,
  };
  const out = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) =>
    name in values ? inString(values[name]!) : m,
  );
  try {
    JSON.parse(out);
  } catch {
    throw new DeliveryError('the body template does not give JSON', false);
  }
  return out;
}

export const sendWebhook: Sender = async (channel, payload, ctx) => {
  const { url, hmacSecret, headers } = channel.secret;
  if (typeof url !== 'string') throw new DeliveryError('channel has no URL', false);
  const template = channel.config.template;
  const body =
    typeof template === 'string' && template.trim()
      ? renderBodyTemplate(template, payload, ctx.dedupeKey)
      : JSON.stringify({ ...payload, id: ctx.dedupeKey });
  const extra: Record<string, string> = {
    ...(headers as Record<string, string> | undefined),
    'idempotency-key': ctx.dedupeKey,
    'user-agent': 'pgvigil-alerter',
  };
  if (typeof hmacSecret === 'string') {
    const ts = String(Math.floor(Date.parse(payload.at) / 1000));
    extra['x-pgvigil-timestamp'] = ts;
    extra['x-pgvigil-signature'] = signature(hmacSecret, ts, body);
  }
  await postJson(url, body, extra, ctx);
};
