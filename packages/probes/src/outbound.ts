// The outbound policy every connection pgvigil opens follows (monitored servers,
// test-connection, webhooks, chat, SMTP): a name is resolved first, every address
// it resolves to is checked, and the socket then goes to the checked address only,
// so a second lookup cannot answer differently (DNS rebinding).
import { promises as dns } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name -> addresses. Injected in tests; production asks the system resolver. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export class OutboundRefusedError extends Error {
  readonly code = 'PGVIGIL_ADDRESS_REFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    reason: string,
  ) {
    super(`${host} resolves to ${address} (${reason}); pgvigil never connects there`);
    this.name = 'OutboundRefusedError';
  }
}

const ipv4ToInt = (ip: string) =>
  ip.split('.').reduce((n, part) => n * 256 + Number(part), 0) >>> 0;

/** IPv4 ranges no notification or monitored server lives in: link-local and metadata. */
const V4_REFUSED: { base: string; bits: number; why: string }[] = [
  { base: '169.254.0.0', bits: 16, why: 'link-local, cloud metadata' },
  { base: '100.100.100.200', bits: 32, why: 'cloud metadata' },
  { base: '168.63.129.16', bits: 32, why: 'cloud platform endpoint' },
];

function v4Refused(ip: string): string | null {
  const n = ipv4ToInt(ip);
  for (const r of V4_REFUSED) {
    const mask = r.bits === 0 ? 0 : (~0 << (32 - r.bits)) >>> 0;
    if ((n & mask) >>> 0 === (ipv4ToInt(r.base) & mask) >>> 0) return r.why;
  }
  return null;
}

/** The 8 groups of an IPv6 address as numbers (embedded dotted IPv4 included). */
function v6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4ToInt(dotted[1]!);
    text =
      text.slice(0, -dotted[1]!.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (tail === undefined && fill !== 0)) return null;
  return [...left, ...Array<number>(fill).fill(0), ...right];
}

function v6Refused(ip: string): string | null {
  const g = v6Groups(ip);
  if (!g || g.some((n) => Number.isNaN(n))) return 'not a valid address';
  // fe80::/10 link-local
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  // fd00:ec2::254, the IPv6 instance metadata service
  if (g.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) return 'cloud metadata';
  // an IPv4 address inside IPv6 (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96)
  const embedded =
    (g.slice(0, 5).every((n) => n === 0) && (g[5] === 0xffff || g[5] === 0)) ||
    (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((n) => n === 0));
  if (embedded) {
    const v4 = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
    return v4Refused(v4);
  }
  return null;
}

/**
 * Why pgvigil refuses to connect to `ip`, or null when it may. Link-local and cloud
 * metadata addresses are always refused; loopback and private ranges are allowed,
 * since monitored servers and chat servers usually live there.
 */
export function refusedAddress(ip: string): string | null {
  const family = isIP(ip);
  if (family === 4) return v4Refused(ip);
  if (family === 6) return v6Refused(ip);
  return 'not an IP address';
}

/**
 * Resolves `host` and checks every address it has; throws OutboundRefusedError
 * before any socket exists when one is refused. A literal address is checked as is.
 */
export async function resolveOutbound(
  host: string,
  resolve: Resolver = systemResolver,
): Promise<ResolvedAddress[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(bare);
  const addresses: ResolvedAddress[] = literal
    ? [{ address: bare, family: literal === 6 ? 6 : 4 }]
    : await resolve(bare);
  if (addresses.length === 0)
    throw Object.assign(new Error(`${bare} has no address`), { code: 'ENOTFOUND' });
  for (const a of addresses) {
    const why = refusedAddress(a.address);
    if (why) throw new OutboundRefusedError(bare, a.address, why);
  }
  return addresses;
}

/**
 * A `lookup` for net/tls/http that answers with already checked addresses, so the
 * socket connects where the policy looked and nowhere else.
 */
export function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return ((
    _hostname: string,
    options: { all?: boolean },
    callback: (...args: unknown[]) => void,
  ) => {
    const first = addresses[0]!;
    if (options?.all)
      process.nextTick(() =>
        callback(
          null,
          addresses.map((a) => ({ ...a })),
        ),
      );
    else process.nextTick(() => callback(null, first.address, first.family));
  }) as unknown as LookupFunction;
}
