import type { ChannelSettings } from '../sender';

/**
 * The base URL of a vendor API: its public endpoint unless the channel names another
 * (an EU region, a proxy, or a loopback sink in tests). Always through the outbound policy.
 */
export const apiUrl = (channel: ChannelSettings, publicUrl: string): string =>
  (typeof channel.config.apiUrl === 'string' ? channel.config.apiUrl : publicUrl).replace(
    /\/+$/,
    '',
  );

/** The alerts a message is about, one key each: the same alert opens and closes one incident. */
export function incidentKeys(
  p: {
    rule: { key: string } | null;
    server: { id: number } | null;
    items: { alertId: number | null }[];
  },
  dedupeKey: string,
): string[] {
  const ids = p.items.map((i) => i.alertId).filter((id): id is number => id !== null);
  if (ids.length) return [...new Set(ids)].map((id) => `pgvigil-alert-${id}`);
  // a test message, or a row queued before alert ids: one key for the message
  return [p.rule ? `pgvigil-${p.rule.key}-${p.server?.id ?? 'fleet'}` : `pgvigil-${dedupeKey}`];
}
