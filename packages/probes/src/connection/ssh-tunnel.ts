// SSH tunnels through a bastion. One SSH connection per bastion (host, port, user, key,
// pinned host key) is shared by every session that goes through it; each session is one
// direct-tcpip channel, so the per-server session cap also caps channels. A dropped
// connection is forgotten and the next session opens a new one.
import { createHash } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type ssh2 from 'ssh2';
import { z } from 'zod';
import { pinnedLookup, resolveOutbound, type Resolver } from '../outbound';
import { describePrivateKey, fingerprintOf } from './ssh-key';
import { ssh2Module } from './ssh2-lazy';

export const sshSettingsSchema = z.object({
  host: z
    .string()
    .trim()
    .min(1, 'the bastion host is required')
    .max(255)
    .regex(/^[^\s,]+$/, 'one host name or address, without spaces or commas'),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().trim().min(1, 'the bastion user is required').max(100),
  /** OpenSSH or PEM text; absent: the installation key is used (the caller fills it in) */
  privateKey: z.string().max(64_000).optional(),
  passphrase: z.string().max(1024).optional(),
  /** the pinned host key fingerprint (`SHA256:...`); absent: trust on first use */
  hostKey: z.string().max(200).optional(),
});
export type SshSettings = z.output<typeof sshSettingsSchema>;

export const SSH_ERROR_CODES = [
  'ssh_bastion_unreachable',
  'ssh_connection_refused',
  'ssh_auth_refused',
  'ssh_key_unusable',
  'ssh_host_key_mismatch',
  'ssh_forwarding_refused',
  'ssh_database_unreachable',
  'ssh_timeout',
  'ssh_tunnel_lost',
] as const;
export type SshErrorCode = (typeof SSH_ERROR_CODES)[number];

/** What the classifier needs to explain an SSH failure. */
export interface SshFacts {
  bastion: string;
  username: string;
  /** the fingerprint and authorized_keys line of the key pgvigil offered */
  keyFingerprint?: string;
  authorizedKeysLine?: string;
  /** pinned and presented host key fingerprints */
  expectedHostKey?: string;
  presentedHostKey?: string;
  /** the Node error code under an unreachable or refused bastion */
  socketCode?: string;
}

export class SshTunnelError extends Error {
  readonly code = 'PGVIGIL_SSH';
  constructor(
    readonly sshCode: SshErrorCode,
    readonly facts: SshFacts,
    message: string,
  ) {
    super(message);
    this.name = 'SshTunnelError';
  }
}

/** One forwarded stream, shaped like the net.Socket `pg` expects. */
export interface TunnelStream {
  stream: Duplex;
  /** the bastion's host key fingerprint, as presented */
  hostKey: string;
  /** whether that fingerprint matched a pinned one (false: first use, to be pinned) */
  pinned: boolean;
  bastion: string;
}

interface Tunnel {
  key: string;
  bastion: string;
  client: ssh2.Client;
  ready: Promise<void>;
  hostKey: string;
  channels: number;
  idle?: NodeJS.Timeout;
  closed: boolean;
}

const tunnels = new Map<string, Tunnel>();
/** how long a tunnel with no channel stays open for the next session */
const IDLE_MS = 30_000;

const bastionOf = (s: SshSettings) => `${s.username}@${s.host}:${s.port}`;

function tunnelKey(s: SshSettings): string {
  const keyHash = createHash('sha256')
    .update(s.privateKey ?? '')
    .update('\0')
    .update(s.passphrase ?? '')
    .digest('hex');
  return [s.host.toLowerCase(), s.port, s.username, keyHash, s.hostKey ?? ''].join('|');
}

// Parsing an encrypted OpenSSH key runs its KDF (bcrypt, tens of ms): once per key.
const described = new Map<string, ReturnType<typeof describePrivateKey>>();
function describe(s: SshSettings) {
  if (!s.privateKey) return null;
  const key = tunnelKey({ ...s, host: '', port: 0, username: '', hostKey: undefined });
  if (!described.has(key)) {
    if (described.size >= 100) described.clear();
    described.set(key, describePrivateKey(s.privateKey, s.passphrase));
  }
  return described.get(key) ?? null;
}

function facts(s: SshSettings): SshFacts {
  const described = describe(s);
  return {
    bastion: bastionOf(s),
    username: s.username,
    ...(described
      ? {
          keyFingerprint: described.fingerprint,
          authorizedKeysLine: described.authorizedKeysLine,
        }
      : {}),
    ...(s.hostKey ? { expectedHostKey: s.hostKey } : {}),
  };
}

const SOCKET_UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'PGVIGIL_ADDRESS_REFUSED',
]);

/** Opens (or joins) the SSH connection to a bastion; failures are SshTunnelErrors. */
function openTunnel(s: SshSettings, timeoutMs: number, resolve: Resolver | undefined): Tunnel {
  const key = tunnelKey(s);
  const existing = tunnels.get(key);
  if (existing && !existing.closed) return existing;
  const base = facts(s);
  const client = new (ssh2Module().Client)();
  const tunnel: Tunnel = {
    key,
    bastion: bastionOf(s),
    client,
    hostKey: '',
    channels: 0,
    closed: false,
    ready: Promise.resolve(),
  };
  const forget = () => {
    tunnel.closed = true;
    clearTimeout(tunnel.idle);
    if (tunnels.get(key) === tunnel) tunnels.delete(key);
  };
  tunnel.ready = new Promise<void>((done, fail) => {
    let mismatch = false;
    let settled = false;
    const settle = (err?: SshTunnelError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err) return done();
      forget();
      client.end();
      fail(err);
    };
    const timer = setTimeout(
      () =>
        settle(new SshTunnelError('ssh_timeout', base, `no SSH session within ${timeoutMs} ms`)),
      timeoutMs,
    );
    if (!s.privateKey) {
      // no uploaded key and no installation key made yet: the bastion cannot know one
      return settle(new SshTunnelError('ssh_auth_refused', base, 'no private key to offer'));
    }
    if (!describe(s)) {
      return settle(new SshTunnelError('ssh_key_unusable', base, 'the private key does not parse'));
    }
    client.on('ready', () => settle());
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      const socketCode = typeof err.code === 'string' ? err.code : undefined;
      const f = { ...base, ...(socketCode ? { socketCode } : {}) };
      if (mismatch) {
        settle(
          new SshTunnelError(
            'ssh_host_key_mismatch',
            { ...f, presentedHostKey: tunnel.hostKey },
            'host key mismatch',
          ),
        );
      } else if (err.level === 'client-authentication') {
        settle(new SshTunnelError('ssh_auth_refused', f, 'authentication refused'));
      } else if (err.level === 'client-timeout') {
        settle(new SshTunnelError('ssh_timeout', f, 'the bastion stopped answering'));
      } else if (socketCode === 'ECONNREFUSED') {
        settle(new SshTunnelError('ssh_connection_refused', f, 'connection refused'));
      } else if (socketCode && SOCKET_UNREACHABLE.has(socketCode)) {
        settle(new SshTunnelError('ssh_bastion_unreachable', f, 'bastion unreachable'));
      } else {
        settle(new SshTunnelError('ssh_tunnel_lost', f, 'the SSH connection failed'));
      }
    });
    client.on('close', () => {
      forget();
      settle(new SshTunnelError('ssh_tunnel_lost', base, 'the bastion closed the connection'));
    });
    // The bastion's address goes through the outbound policy like any other.
    resolveOutbound(s.host, resolve).then(
      (addresses) => {
        if (settled) return;
        const sock = netConnect({ host: s.host, port: s.port, lookup: pinnedLookup(addresses) });
        client.connect({
          sock,
          username: s.username,
          privateKey: s.privateKey,
          ...(s.passphrase ? { passphrase: s.passphrase } : {}),
          readyTimeout: timeoutMs,
          keepaliveInterval: 10_000,
          keepaliveCountMax: 3,
          // Checked before authentication: on a mismatch no key signature leaves.
          hostVerifier: (blob: Buffer) => {
            tunnel.hostKey = fingerprintOf(blob);
            mismatch = !!s.hostKey && s.hostKey !== tunnel.hostKey;
            return !mismatch;
          },
        });
      },
      (err: unknown) => {
        const code = (err as { code?: unknown }).code;
        settle(
          new SshTunnelError(
            'ssh_bastion_unreachable',
            { ...base, ...(typeof code === 'string' ? { socketCode: code } : {}) },
            'bastion unreachable',
          ),
        );
      },
    );
  });
  tunnels.set(key, tunnel);
  return tunnel;
}

/** Node's net.Socket surface that `pg` calls on its stream, on top of an SSH channel. */
function asSocket(channel: Duplex): Duplex {
  // pg listens for errors while the session lives; this one covers the time after it.
  channel.on('error', () => undefined);
  return Object.assign(channel, {
    setNoDelay: () => channel,
    setKeepAlive: () => channel,
    // pg "connects" the stream it was given: the channel is open already.
    connect: () => {
      process.nextTick(() => channel.emit('connect'));
      return channel;
    },
    ref: () => channel,
    unref: () => channel,
  });
}

/**
 * A stream to `target` (already checked by the outbound policy, as an address) through
 * the bastion, within `timeoutMs`.
 */
export async function openTunnelStream(
  s: SshSettings,
  target: { address: string; port: number },
  options: { timeoutMs: number; resolve?: Resolver },
): Promise<TunnelStream> {
  const deadline = Date.now() + options.timeoutMs;
  const tunnel = openTunnel(s, options.timeoutMs, options.resolve);
  await tunnel.ready;
  clearTimeout(tunnel.idle);
  tunnel.channels += 1;
  const release = () => {
    tunnel.channels -= 1;
    if (tunnel.channels === 0 && !tunnel.closed) {
      tunnel.idle = setTimeout(() => {
        // out of the pool first: a session opened now gets a new tunnel, not this ending one
        tunnel.closed = true;
        if (tunnels.get(tunnel.key) === tunnel) tunnels.delete(tunnel.key);
        tunnel.client.end();
      }, IDLE_MS);
      tunnel.idle.unref();
    }
  };
  const base = { ...facts(s), presentedHostKey: tunnel.hostKey };
  try {
    const channel = await new Promise<Duplex>((done, fail) => {
      const timer = setTimeout(
        () => fail(new SshTunnelError('ssh_timeout', base, 'no forwarded channel in time')),
        Math.max(1, deadline - Date.now()),
      );
      try {
        tunnel.client.forwardOut(
          '127.0.0.1',
          0,
          target.address,
          target.port,
          (err: (Error & { reason?: unknown }) | undefined, stream) => {
            clearTimeout(timer);
            if (!err) return done(stream);
            // RFC 4254 5.1: 1 = administratively prohibited (AllowTcpForwarding no)
            const code =
              err.reason === 1
                ? 'ssh_forwarding_refused'
                : tunnel.closed
                  ? 'ssh_tunnel_lost'
                  : 'ssh_database_unreachable';
            fail(new SshTunnelError(code, base, err.message));
          },
        );
      } catch {
        clearTimeout(timer);
        fail(new SshTunnelError('ssh_tunnel_lost', base, 'the SSH connection is gone'));
      }
    });
    channel.once('close', release);
    return {
      stream: asSocket(channel),
      hostKey: tunnel.hostKey,
      pinned: !!s.hostKey,
      bastion: bastionOf(s),
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** Tunnels open now, for status pages and tests. */
export function openTunnels(): { bastion: string; channels: number }[] {
  return [...tunnels.values()]
    .filter((t) => !t.closed)
    .map((t) => ({ bastion: t.bastion, channels: t.channels }));
}

/** Ends every tunnel (process shutdown, tests). */
export function closeTunnels(): void {
  for (const t of tunnels.values()) {
    t.closed = true;
    clearTimeout(t.idle);
    t.client.end();
  }
  tunnels.clear();
}
