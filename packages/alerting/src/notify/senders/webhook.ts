import { createHmac } from 'node:crypto';
import { DeliveryError, postJson, type Sender } from '../sender';

/**
 * Generic JSON webhook: the payload as is. With a secret, the body is signed:
 * X-Pgvigil-Signature = "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)).
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const sendWebhook: Sender = async (channel, payload, ctx) => {
  const { url, hmacSecret, headers } = channel.secret;
  if (typeof url !== 'string') throw new DeliveryError('channel has no URL', false);
  const body = JSON.stringify({ ...payload, id: ctx.dedupeKey });
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
