import nodemailer from 'nodemailer';
import { headline, itemLines, plainText, type NotificationPayload } from '../payload';
import { DeliveryError, type Sender } from '../sender';

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const COLORS = {
  firing: '#c0392b',
  escalated: '#c0392b',
  reminder: '#d68910',
  resolved: '#1e8449',
  test: '#2e86c1',
};

export function emailHtml(p: NotificationPayload): string {
  const items = itemLines(p)
    .map((l) => `<li>${escape(l)}</li>`)
    .join('');
  return `<!doctype html><html><body style="font-family:sans-serif">
<h2 style="color:${COLORS[p.kind]}">${escape(headline(p))}</h2>
${p.server ? `<p><b>Server:</b> ${escape(p.server.name)}</p>` : ''}
<ul>${items}</ul>
${p.rule?.runbook && p.kind !== 'resolved' ? `<p><b>Runbook:</b> ${escape(p.rule.runbook)}</p>` : ''}
<p><a href="${escape(p.link)}">Open in pgvigil</a></p>
</body></html>`;
}

export const sendEmail: Sender = async (channel, payload, ctx) => {
  const smtpUrl = (channel.secret.smtpUrl as string | undefined) ?? ctx.smtpUrl;
  if (!smtpUrl)
    throw new DeliveryError("no SMTP server: set SMTP_URL or the channel's smtpUrl", false);
  const to = channel.config.to as string[] | undefined;
  if (!to?.length) throw new DeliveryError('channel has no recipients', false);
  // the URL form keeps per-channel settings in one secret; timeouts come as query options
  const url = new URL(smtpUrl);
  for (const k of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
    if (!url.searchParams.has(k)) url.searchParams.set(k, String(ctx.timeoutMs));
  }
  const transport = nodemailer.createTransport(url.toString());
  try {
    await transport.sendMail({
      from: (channel.config.from as string | undefined) ?? 'pgvigil <pgvigil@localhost>',
      to,
      subject: headline(payload).replace(/^\S+ /, ''),
      text: plainText(payload),
      html: emailHtml(payload),
      headers: { 'X-Pgvigil-Id': ctx.dedupeKey },
      messageId: `<${ctx.dedupeKey.replace(/[^a-zA-Z0-9.-]/g, '_')}@pgvigil>`,
    });
  } catch (err) {
    const code = (err as { responseCode?: number }).responseCode;
    throw new DeliveryError(
      `SMTP: ${err instanceof Error ? err.message : String(err)}`,
      code === undefined || code < 500,
    );
  } finally {
    transport.close();
  }
};
