import type { Severity } from '@pgvigil/schema';
import { headline, plainText, type NotificationPayload } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';
import { apiUrl, incidentKeys } from './api-url';

const PRIORITY: Record<Severity, 'P1' | 'P3' | 'P5'> = {
  critical: 'P1',
  warning: 'P3',
  info: 'P5',
};

/** The Opsgenie Alert API request for one alert: create (by alias) or close it. */
export function opsgenieRequest(
  p: NotificationPayload,
  alias: string,
): { path: string; body: Record<string, unknown> } {
  if (p.kind === 'resolved') {
    return {
      path: `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      body: { source: 'pgvigil', note: headline(p).replace(/^\S+ /, '') },
    };
  }
  return {
    path: '/v2/alerts',
    body: {
      message: headline(p).replace(/^\S+ /, '').slice(0, 130),
      alias,
      description: plainText(p).slice(0, 15_000),
      priority: PRIORITY[p.severity],
      source: 'pgvigil',
      entity: p.server?.name ?? 'pgvigil',
      tags: ['pgvigil', ...(p.rule ? [p.rule.key] : [])],
      details: { link: p.link, kind: p.kind },
    },
  };
}

/**
 * Opsgenie: one alert per pgvigil alert, its alias the same key as a PagerDuty dedup key,
 * so a second create while it is open only counts up, and the resolve closes it.
 */
export const sendOpsgenie: Sender = async (channel, payload, ctx) => {
  const key = channel.secret.apiKey;
  if (typeof key !== 'string') throw new DeliveryError('channel has no API key', false);
  const base = apiUrl(channel, 'https://api.opsgenie.com');
  for (const alias of incidentKeys(payload, ctx.dedupeKey)) {
    const r = opsgenieRequest(payload, alias);
    await postJson(
      `${base}${r.path}`,
      JSON.stringify(r.body),
      { authorization: `GenieKey ${key}` },
      ctx,
    );
  }
};
