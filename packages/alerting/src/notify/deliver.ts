import type { Db, SecretBox } from '@pgvigil/db';
import {
  claimDueNotifications,
  listChannelsWithSecrets,
  markNotificationFailed,
  markNotificationSent,
  type ChannelWithSecret,
} from '@pgvigil/db/alerting';
import { CHANNEL_SECRET_CONTEXT } from './channel-config';
import { notificationPayload } from './payload';
import { redactError, secretsOf } from './redact';
import { SENDERS } from './registry';
import { DeliveryError, type ChannelSettings, type Sender } from './sender';
import type { Resolver } from '@pgvigil/probes';
import type { ChannelType } from '@pgvigil/schema';

export interface DeliveryOptions {
  leaseSeconds: number;
  batch: number;
  timeoutMs: number;
  maxAttempts: number;
  smtpUrl: string | undefined;
  senders?: Record<ChannelType, Sender>;
  /** name resolution for the outbound policy (tests inject one) */
  resolve?: Resolver;
}

/** Exponential backoff: 15 s, 30 s, 1 min, ... capped at one hour. */
export const backoffSeconds = (attempts: number) =>
  Math.min(3600, 15 * 2 ** Math.max(0, attempts - 1));

export function openChannel(row: ChannelWithSecret, box: SecretBox): ChannelSettings {
  const secret = row.secret_enc
    ? (JSON.parse(box.open(row.secret_enc, CHANNEL_SECRET_CONTEXT)) as Record<string, unknown>)
    : {};
  return { id: row.id, name: row.name, type: row.type, config: row.config, secret };
}

/**
 * One delivery pass: claims what is due under a lease, sends each message, and
 * records the outcome. `now` is read per message so retries are scheduled from
 * when the attempt ended.
 */
export async function deliverDue(
  db: Db,
  box: SecretBox,
  now: () => Date,
  opts: DeliveryOptions,
): Promise<{ sent: number; failed: number }> {
  const claimed = await claimDueNotifications(db, {
    at: now(),
    limit: opts.batch,
    leaseSeconds: opts.leaseSeconds,
  });
  if (claimed.length === 0) return { sent: 0, failed: 0 };
  const channels = new Map((await listChannelsWithSecrets(db)).map((c) => [c.id, c]));
  const senders = opts.senders ?? SENDERS;
  let sent = 0;
  let failed = 0;
  await Promise.all(
    claimed.map(async (m) => {
      let secrets: string[] = [];
      try {
        const row = channels.get(m.channel_id);
        if (!row) throw new DeliveryError('channel was deleted', false);
        const payload = notificationPayload.parse(m.payload);
        const channel = openChannel(row, box);
        secrets = secretsOf(channel, opts.smtpUrl);
        await senders[row.type](channel, payload, {
          dedupeKey: m.dedupe_key,
          smtpUrl: opts.smtpUrl,
          timeoutMs: opts.timeoutMs,
          ...(opts.resolve ? { resolve: opts.resolve } : {}),
        });
        await markNotificationSent(db, m.id, now());
        sent++;
      } catch (err) {
        failed++;
        const retryable = !(err instanceof DeliveryError) || err.retryable;
        const giveUp = !retryable || m.attempts >= opts.maxAttempts;
        await markNotificationFailed(db, {
          id: m.id,
          error: redactError(err instanceof Error ? err.message : String(err), secrets),
          retryAt: giveUp ? null : new Date(now().getTime() + backoffSeconds(m.attempts) * 1000),
        });
      }
    }),
  );
  return { sent, failed };
}

/** "Send test": delivers a sample message now and reports the outcome to the caller. */
export async function sendTestMessage(
  channel: ChannelSettings,
  opts: {
    baseUrl: string;
    smtpUrl: string | undefined;
    at: Date;
    timeoutMs?: number;
    resolve?: Resolver;
  },
): Promise<{ ok: true } | { ok: false; error: string }> {
  const payload = notificationPayload.parse({
    kind: 'test',
    title: `Test message for channel "${channel.name}"`,
    severity: 'info',
    rule: null,
    server: null,
    items: [
      {
        alertId: null,
        database: null,
        object: null,
        value: null,
        threshold: null,
        message: 'If you can read this, pgvigil can reach this channel.',
        since: null,
      },
    ],
    link: `${opts.baseUrl.replace(/\/$/, '')}/alerts`,
    at: opts.at.toISOString(),
  });
  try {
    await SENDERS[channel.type](channel, payload, {
      dedupeKey: `test:${channel.id}:${opts.at.getTime()}`,
      smtpUrl: opts.smtpUrl,
      timeoutMs: opts.timeoutMs ?? 10_000,
      ...(opts.resolve ? { resolve: opts.resolve } : {}),
    });
    return { ok: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: redactError(message, secretsOf(channel, opts.smtpUrl)) };
  }
}
