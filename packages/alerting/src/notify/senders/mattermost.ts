import { headline, itemLines } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';

/** Mattermost incoming webhooks take Markdown text, plus optional channel and username. */
export const sendMattermost: Sender = async (channel, p, ctx) => {
  const url = channel.secret.url;
  if (typeof url !== 'string') throw new DeliveryError('channel has no webhook URL', false);
  const lines = [`#### ${headline(p)}`];
  if (p.server) lines.push(`**Server:** ${p.server.name}`);
  lines.push(...itemLines(p).map((l) => `- ${l}`));
  if (p.rule?.runbook && p.kind !== 'resolved') lines.push('', `**Runbook:** ${p.rule.runbook}`);
  lines.push('', `[Open in pgvigil](${p.link})`);
  const body: Record<string, unknown> = { text: lines.join('\n') };
  if (typeof channel.config.channel === 'string') body.channel = channel.config.channel;
  body.username = typeof channel.config.username === 'string' ? channel.config.username : 'pgvigil';
  await postJson(url, JSON.stringify(body), { 'idempotency-key': ctx.dedupeKey }, ctx);
};
