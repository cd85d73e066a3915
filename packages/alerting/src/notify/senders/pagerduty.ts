import type { Severity } from '@pgvigil/schema';
import { headline, plainText, type NotificationPayload } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';
import { apiUrl, incidentKeys } from './api-url';

const PD_SEVERITY: Record<Severity, 'critical' | 'warning' | 'info'> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
};

/**
 * One PagerDuty Events API v2 event per alert: `trigger` while it fires (a reminder or a
 * severity rise updates the same incident), `resolve` with the same `dedup_key` when it
 * clears, so the incident PagerDuty opened is the one that closes.
 */
export function pagerDutyEvents(
  p: NotificationPayload,
  routingKey: string,
  dedupeKey: string,
): Record<string, unknown>[] {
  const resolve = p.kind === 'resolved';
  return incidentKeys(p, dedupeKey).map((key) => ({
    routing_key: routingKey,
    event_action: resolve ? 'resolve' : 'trigger',
    dedup_key: key,
    ...(resolve
      ? {}
      : {
          payload: {
            summary: headline(p).replace(/^\S+ /, '').slice(0, 1024),
            source: p.server?.name ?? 'pgvigil',
            severity: PD_SEVERITY[p.severity],
            timestamp: p.at,
            component: p.server?.name ?? undefined,
            class: p.rule?.key ?? undefined,
            group: 'pgvigil',
            custom_details: { message: plainText(p), kind: p.kind },
          },
          client: 'pgvigil',
          client_url: p.link,
          links: [{ href: p.link, text: 'Open in pgvigil' }],
        }),
  }));
}

export const sendPagerDuty: Sender = async (channel, payload, ctx) => {
  const key = channel.secret.routingKey;
  if (typeof key !== 'string') throw new DeliveryError('channel has no integration key', false);
  const url = `${apiUrl(channel, 'https://events.pagerduty.com')}/v2/enqueue`;
  // sequential: a retry resends every event, which the dedup keys make harmless
  for (const event of pagerDutyEvents(payload, key, ctx.dedupeKey)) {
    await postJson(url, JSON.stringify(event), {}, ctx);
  }
};
