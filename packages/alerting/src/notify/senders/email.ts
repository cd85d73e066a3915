import { isIP } from 'node:net';
import { OutboundRefusedError, resolveOutbound, type Resolver } from '@pgvigil/probes';
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
  // loaded on the first email: an alerter without an email channel saves ~12 MB
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(
    await smtpOptions(smtpUrl, ctx.timeoutMs, ctx.resolve),
  );
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

/** A query value as nodemailer reads URL options: true/false and numbers typed. */
const typed = (v: string): unknown =>
  v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v;

/**
 * nodemailer options from an smtp:// or smtps:// URL, with the host resolved and
 * checked by the outbound policy first: the transport connects to that address (TLS
 * still verifies the name), so no second lookup can point it elsewhere.
 */
export async function smtpOptions(smtpUrl: string, timeoutMs: number, resolve?: Resolver) {
  const url = new URL(smtpUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let address: string;
  try {
    address = (await resolveOutbound(host, resolve))[0]!.address;
  } catch (err) {
    if (err instanceof OutboundRefusedError)
      throw new DeliveryError(`SMTP refused: ${err.message}`, false);
    throw new DeliveryError(`SMTP: ${err instanceof Error ? err.message : String(err)}`, true);
  }
  const options: Record<string, unknown> = {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
  const tls: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) {
    if (k.startsWith('tls.')) tls[k.slice(4)] = typed(v);
    else options[k] = typed(v);
  }
  const secure = url.protocol === 'smtps:';
  return {
    ...options,
    host: address,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(isIP(host) ? {} : { servername: host }),
    ...(Object.keys(tls).length ? { tls } : {}),
    ...(url.username
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
  };
}
