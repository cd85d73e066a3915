import http from 'node:http';
import https from 'node:https';
import {
  OutboundRefusedError,
  pinnedLookup,
  resolveOutbound,
  type Resolver,
} from '@pgvigil/probes';
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
  /** name resolution for the outbound policy (tests inject one; default: the system's) */
  resolve?: Resolver;
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

/**
 * POSTs JSON under the outbound policy: the host is resolved and checked first
 * (link-local and metadata addresses refused before any socket exists), the socket
 * goes to the checked address, redirects are not followed, and a refusal's body is
 * never read (receivers echo URLs and tokens in error pages).
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  ctx: Pick<SendContext, 'timeoutMs' | 'resolve'>,
): Promise<void> {
  const target = new URL(url);
  const transport =
    target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!transport) throw new DeliveryError('only http and https URLs are supported', false);
  let lookup;
  try {
    lookup = pinnedLookup(await resolveOutbound(target.hostname, ctx.resolve));
  } catch (err) {
    if (err instanceof OutboundRefusedError)
      throw new DeliveryError(`refused: ${err.message}`, false);
    throw new DeliveryError(`request failed: ${errorText(err)}`, true);
  }
  const status = await new Promise<number>((resolve, reject) => {
    const req = transport.request(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        lookup,
        ...(target.username
          ? {
              auth: `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`,
            }
          : {}),
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
        timeout: ctx.timeoutMs,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${ctx.timeoutMs} ms`)),
      ctx.timeoutMs,
    );
    req.once('close', () => clearTimeout(timer));
    req.once('timeout', () => req.destroy(new Error(`no answer within ${ctx.timeoutMs} ms`)));
    req.once('error', reject);
    req.end(body);
  }).catch((err: unknown) => {
    throw new DeliveryError(`request failed: ${errorText(err)}`, true);
  });
  if (status >= 200 && status < 300) return;
  if (status >= 300 && status < 400)
    throw new DeliveryError(`HTTP ${status}: redirects are not followed`, false);
  throw new DeliveryError(`HTTP ${status}`, status >= 500 || status === 429);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code)
    ? `${code}: ${err.message}`
    : err.message;
}
