import { SLACK } from '../markup';
import { headline, itemLines, type NotificationPayload } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';

/**
 * Block Kit: header, one section per alert (up to 20, then a count), runbook, link.
 * The header is plain_text (never parsed); every mrkdwn text escapes what came from
 * a monitored database (markup.ts).
 */
export function slackBody(p: NotificationPayload): Record<string, unknown> {
  const lines = itemLines(p, SLACK);
  const shown = lines.slice(0, 20);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: headline(p).slice(0, 150), emoji: true } },
  ];
  if (p.server) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `*Server:* ${SLACK.name(p.server.name)}` }],
    });
  }
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: shown
        .map((l) => `• ${l}`)
        .join('\n')
        .slice(0, 2900),
    },
  });
  if (lines.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${lines.length - shown.length} more` }],
    });
  }
  if (p.rule?.runbook && p.kind !== 'resolved') {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Runbook:* ${SLACK.text(p.rule.runbook)}`.slice(0, 2900) },
    });
  }
  blocks.push({
    type: 'actions',
    elements: [
      { type: 'button', text: { type: 'plain_text', text: 'Open in pgvigil' }, url: p.link },
    ],
  });
  return { text: `${headline(p, SLACK)}\n${lines.join('\n')}`.slice(0, 3000), blocks };
}

export const sendSlack: Sender = async (channel, payload, ctx) => {
  const url = channel.secret.url;
  if (typeof url !== 'string') throw new DeliveryError('channel has no webhook URL', false);
  await postJson(
    url,
    JSON.stringify(slackBody(payload)),
    { 'idempotency-key': ctx.dedupeKey },
    ctx,
  );
};
