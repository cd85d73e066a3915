import { SSL_MODES, type SslMode } from '@pgvigil/schema';
import type { ConnectionSettingsInput } from './settings';

/** A pasted connection string that cannot be used; `field` names the offending part. */
export class ConnectionStringError extends Error {
  constructor(
    message: string,
    readonly field = 'url',
  ) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

// libpq parameters that name files on the client's disk: pgvigil wants the PEM text instead.
const FILE_PARAMS = new Set(['sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'passfile']);
// Accepted and ignored: they tune a session, not where it goes.
const IGNORED_PARAMS = new Set([
  'application_name',
  'connect_timeout',
  'options',
  'target_session_attrs',
  'keepalives',
  'client_encoding',
  'gssencmode',
  'sslnegotiation',
  'sslcompression',
]);

/** Percent-decodes a URL part; a lone `%` (an unencoded password such as `50%off`) is kept as typed. */
function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function applyParam(out: ConnectionSettingsInput, key: string, value: string): void {
  if (FILE_PARAMS.has(key)) {
    throw new ConnectionStringError(
      `${key} names a file; paste the PEM text into the certificate fields instead`,
      key,
    );
  }
  if (IGNORED_PARAMS.has(key)) return;
  switch (key) {
    case 'host':
    case 'hostaddr':
      if (value.includes(',')) {
        throw new ConnectionStringError(
          'Register each host of a multi-host string separately',
          'host',
        );
      }
      out.host = value;
      return;
    case 'port': {
      const port = Number(value);
      if (!/^\d{1,5}$/.test(value) || port < 1 || port > 65535) {
        throw new ConnectionStringError(`port must be 1-65535, got "${value}"`, 'port');
      }
      out.port = port;
      return;
    }
    case 'dbname':
      out.dbname = value;
      return;
    case 'user':
      out.user = value;
      return;
    case 'password':
      out.password = value;
      return;
    case 'sslmode':
      if (!(SSL_MODES as readonly string[]).includes(value)) {
        throw new ConnectionStringError(
          `sslmode must be one of ${SSL_MODES.join(', ')}`,
          'sslmode',
        );
      }
      out.sslmode = value as SslMode;
      return;
    default:
      throw new ConnectionStringError(`Unknown connection parameter "${key}"`, key);
  }
}

function parseUrl(text: string): ConnectionSettingsInput {
  const out: ConnectionSettingsInput = { host: '', user: '' };
  let rest = text.replace(/^postgres(ql)?:\/\//i, '');
  // The last '@' separates credentials from the host, so a raw '@' in a password still works.
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    out.user = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
    if (colon >= 0) out.password = decode(userinfo.slice(colon + 1));
  }
  const queryAt = rest.indexOf('?');
  const query = queryAt >= 0 ? rest.slice(queryAt + 1) : '';
  if (queryAt >= 0) rest = rest.slice(0, queryAt);
  const slash = rest.indexOf('/');
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1) : '';
  if (hostPort.includes(',')) {
    throw new ConnectionStringError('Register each host of a multi-host string separately', 'host');
  }
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPort);
  const [host, port] = bracketed
    ? [bracketed[1] ?? '', bracketed[2]]
    : hostPort.includes(':')
      ? [
          hostPort.slice(0, hostPort.lastIndexOf(':')),
          hostPort.slice(hostPort.lastIndexOf(':') + 1),
        ]
      : [hostPort, undefined];
  if (host) out.host = decode(host);
  if (port) applyParam(out, 'port', port);
  if (path) out.dbname = decode(path);
  for (const pair of query.split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = decode(eq >= 0 ? pair.slice(0, eq) : pair);
    applyParam(out, key, decode(eq >= 0 ? pair.slice(eq + 1) : ''));
  }
  return out;
}

/** libpq `key=value` syntax: values may be single-quoted, with `\'` and `\\` escapes. */
function parseConninfo(text: string): ConnectionSettingsInput {
  const out: ConnectionSettingsInput = { host: '', user: '' };
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  while (true) {
    skipSpace();
    if (i >= text.length) break;
    const keyMatch = /^[A-Za-z_]+/.exec(text.slice(i));
    if (!keyMatch)
      throw new ConnectionStringError(`Expected a parameter name at position ${i + 1}`);
    const key = keyMatch[0];
    i += key.length;
    skipSpace();
    if (text[i] !== '=') throw new ConnectionStringError(`Missing "=" after "${key}"`);
    i++;
    skipSpace();
    let value = '';
    if (text[i] === "'") {
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (text[i] !== "'")
        throw new ConnectionStringError(`Unterminated quoted value for "${key}"`, key);
      i++;
    } else {
      while (i < text.length && !/\s/.test(text[i] ?? '')) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
    }
    applyParam(out, key.toLowerCase(), value);
  }
  return out;
}

/**
 * Parses a pasted `postgresql://` URL or a libpq `key=value` string into settings
 * (not yet validated: pass the result through `connectionSettingsSchema`).
 */
export function parseConnectionString(text: string): ConnectionSettingsInput {
  const trimmed = text.trim();
  if (!trimmed) throw new ConnectionStringError('The connection string is empty');
  if (trimmed.length > 8192) throw new ConnectionStringError('The connection string is too long');
  return /^postgres(ql)?:\/\//i.test(trimmed) ? parseUrl(trimmed) : parseConninfo(trimmed);
}

/** Formats settings as a URL with the password left out, for display and export. */
export function formatConnectionUrl(s: {
  host: string;
  port: number;
  dbname: string;
  user: string;
  sslmode: SslMode;
}): string {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  return `postgresql://${encodeURIComponent(s.user)}@${host}:${s.port}/${encodeURIComponent(s.dbname)}?sslmode=${s.sslmode}`;
}
