import { headline, itemLines, type NotificationPayload } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';

const run = (text: string, more: Record<string, unknown> = {}) => ({
  type: 'TextRun',
  text,
  ...more,
});
/** RichTextBlock text runs are never read as Markdown: what a database names stays text. */
const block = (...inlines: Record<string, unknown>[]) => ({
  type: 'RichTextBlock',
  inlines,
});

/**
 * A Teams workflow webhook message ("When a Teams webhook request is received", then
 * "Post card in a chat or channel"): one Adaptive Card 1.4, every text a TextRun.
 */
export function teamsBody(p: NotificationPayload): Record<string, unknown> {
  const lines = itemLines(p);
  const shown = lines.slice(0, 20);
  const body: Record<string, unknown>[] = [
    block(
      run(headline(p), {
        weight: 'Bolder',
        size: 'Medium',
        color: p.kind === 'resolved' ? 'Good' : p.kind === 'test' ? 'Accent' : 'Attention',
      }),
    ),
  ];
  if (p.server) body.push(block(run('Server: ', { weight: 'Bolder' }), run(p.server.name)));
  for (const l of shown) body.push(block(run(`• ${l}`)));
  if (lines.length > shown.length)
    body.push(block(run(`…and ${lines.length - shown.length} more`)));
  if (p.rule?.runbook && p.kind !== 'resolved')
    body.push(block(run('Runbook: ', { weight: 'Bolder' }), run(p.rule.runbook)));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          actions: [{ type: 'Action.OpenUrl', title: 'Open in pgvigil', url: p.link }],
        },
      },
    ],
  };
}

export const sendTeams: Sender = async (channel, payload, ctx) => {
  const url = channel.secret.url;
  if (typeof url !== 'string') throw new DeliveryError('channel has no webhook URL', false);
  await postJson(url, JSON.stringify(teamsBody(payload)), {}, ctx);
};
