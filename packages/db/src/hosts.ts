/**
 * A datastore URL naming several hosts, as libpq writes it:
 * `postgresql://user:pass@db1:5432,db2:5432/pgvigil?target_session_attrs=read-write`.
 * Each host becomes a URL of its own; pgvigil writes to whichever one is the primary.
 */
export function splitHosts(url: string): string[] {
  const match = /^(postgres(?:ql)?:\/\/)([^/?#]*@)?([^/?#]*)(.*)$/.exec(url);
  if (!match) return [url];
  const [, scheme, auth = '', hostList = '', rest = ''] = match;
  if (!hostList.includes(',')) return [url];
  // libpq's own choice; pgvigil always needs the writable one
  const tail = rest
    .replace(/([?&])target_session_attrs=[^&#]*&?/, '$1')
    .replace(/[?&]$/, '')
    .replace(/\?#/, '#');
  return hostList
    .split(',')
    .filter(Boolean)
    .map((host) => `${scheme}${auth}${host}${tail}`);
}

/** host:port of a URL, for messages (never the password). */
export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}`;
  } catch {
    return 'the datastore';
  }
}
