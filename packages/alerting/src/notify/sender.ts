import type { ChannelType } from '@pgvigil/schema';
import type { NotificationPayload } from './payload';

/** The channel as a sender sees it: its public config and its opened secret. */
export interface ChannelSettings {
  id: number;
  name: string;
  type: ChannelType;
  config: Record<string, unknown>;
  secret: Record<string, unknown>;
}

export interface SendContext {
  /** sent as Idempotency-Key so a receiver can drop a redelivery */
  dedupeKey: string;
  smtpUrl: string | undefined;
  timeoutMs: number;
}

/** Resolves when the receiver accepted the message; throws with a readable reason otherwise. */
export type Sender = (
  channel: ChannelSettings,
  payload: NotificationPayload,
  ctx: SendContext,
) => Promise<void>;

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** worth retrying (timeouts, 5xx, 429) or not (4xx, bad config) */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause =
      err instanceof Error
        ? err.cause instanceof Error
          ? err.cause.message
          : err.message
        : String(err);
    throw new DeliveryError(`request failed: ${cause}`, true);
  }
  if (res.ok) {
    await res.body?.cancel();
    return;
  }
  const text = (await res.text().catch(() => '')).slice(0, 200);
  throw new DeliveryError(
    `HTTP ${res.status}${text ? `: ${text}` : ''}`,
    res.status >= 500 || res.status === 429,
  );
}
