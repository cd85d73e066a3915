import type { ChannelSettings } from './sender';

const REDACTED = '[redacted]';

/** The parts of a URL that can be secret on their own: credentials, path, query. */
function urlParts(raw: string): string[] {
  try {
    const u = new URL(raw);
    return [
      raw,
      u.href,
      u.username,
      u.password,
      decodeURIComponent(u.username),
      decodeURIComponent(u.password),
      u.pathname.length > 1 ? u.pathname : '',
      u.search,
      u.hash,
    ];
  } catch {
    return [raw];
  }
}

/** Every secret value of a channel (and the default SMTP URL), as the strings they may appear as. */
export function secretsOf(channel: ChannelSettings, smtpUrl?: string): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') out.push(...(/^[a-z]+:\/\//i.test(v) ? urlParts(v) : [v]));
    else if (v && typeof v === 'object') Object.values(v).forEach(add);
  };
  add(channel.secret);
  if (smtpUrl) add(smtpUrl);
  return [...new Set(out.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
}

/**
 * An outbound error as it may be stored and shown to any viewer: known secrets
 * replaced, and any URL cut to its scheme and host (a receiver or a library may
 * quote the URL, its credentials or its secret path).
 */
export function redactError(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  out = out.replace(
    /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s/@"'<>]*@)?([^\s/?#"'<>]*)[^\s"'<>]*/gi,
    (_, scheme: string, host: string) => `${scheme}://${host}/${REDACTED}`,
  );
  return out.slice(0, 500);
}
