import { MATTERMOST } from '../markup';
import { headline, itemLines, type NotificationPayload } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';

/** The Markdown text of a message; names from monitored databases are escaped (markup.ts). */
export function mattermostText(p: NotificationPayload): string {
  const lines = [`#### ${headline(p, MATTERMOST)}`];
  if (p.server) lines.push(`**Server:** ${MATTERMOST.name(p.server.name)}`);
  lines.push(...itemLines(p, MATTERMOST).map((l) => `- ${l}`));
  if (p.rule?.runbook && p.kind !== 'resolved')
    lines.push('', `**Runbook:** ${MATTERMOST.text(p.rule.runbook)}`);
  lines.push('', `[Open in pgvigil](${p.link})`);
  return lines.join('\n');
}

/** Mattermost incoming webhooks take Markdown text, plus optional channel and username. */
export const sendMattermost: Sender = async (channel, p, ctx) => {
  const url = channel.secret.url;
  if (typeof url !== 'string') throw new DeliveryError('channel has no webhook URL', false);
  const body: Record<string, unknown> = { text: mattermostText(p) };
  if (typeof channel.config.channel === 'string') body.channel = channel.config.channel;
  body.username = typeof channel.config.username === 'string' ? channel.config.username : 'pgvigil';
  await postJson(url, JSON.stringify(body), { 'idempotency-key': ctx.dedupeKey }, ctx);
};
