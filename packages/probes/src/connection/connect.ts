import { Socket, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { pinnedLookup, resolveOutbound, type Resolver } from '../outbound';
import { classifyConnectionError, type AttemptContext, type ConnectionFailure } from './classify';
import { sslRequired, toClientConfig } from './client-config';
import type { ConnectionSettings } from './settings';
import { askSsl, askSslOnStream, ProbeTimeoutError } from './ssl-probe';
import { openTunnelStream, type TunnelStream } from './ssh-tunnel';

export interface ConnectOptions {
  /** bound on the whole attempt (TCP, TLS, authentication) */
  timeoutMs?: number;
  applicationName?: string;
  statementTimeoutMs?: number;
  /** name resolution for the outbound policy (tests inject one; default: the system's) */
  resolve?: Resolver;
  /** client-side bound on each query (see ClientOptions.queryTimeoutMs) */
  queryTimeoutMs?: number;
  /** the target is a PgBouncer admin console (database `pgbouncer`), not PostgreSQL */
  pooler?: boolean;
}

export interface TargetConnection {
  client: pg.Client;
  serverVersionNum: number;
  serverVersion: string;
  ssl: boolean;
  /** set when the session goes through an SSH bastion */
  tunnel?: { bastion: string; hostKey: string; pinned: boolean };
}

export type ConnectResult =
  { ok: true; connection: TargetConnection } | { ok: false; failure: ConnectionFailure };

const isSocketPath = (host: string) => host.startsWith('/');

/** `PgBouncer 1.18.0` -> 11800 (major * 10000 + minor * 100 + patch), 0 when unreadable. */
export function poolerVersionNum(version: string): number {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3] ?? 0) : 0;
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new ProbeTimeoutError(ms));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * How a session reaches the server: a socket to the checked addresses (TLS still names
 * the host), or a channel through a bastion to the checked address.
 */
type Route =
  | { kind: 'direct'; lookup: LookupFunction | undefined }
  | { kind: 'ssh'; open: (timeoutMs: number) => Promise<TunnelStream> };

/** A socket for `pg` that connects to the checked addresses only (TLS still names the host). */
function pinnedStream(lookup: LookupFunction | undefined) {
  if (!lookup) return undefined;
  return () => {
    const socket = new Socket();
    const connect = socket.connect.bind(socket) as (o: object) => Socket;
    return Object.assign(socket, {
      connect: (port: number, host: string) => connect({ port, host, lookup }),
    });
  };
}

async function open(
  settings: ConnectionSettings,
  useSsl: boolean,
  options: ConnectOptions,
  deadline: number,
  route: Route,
): Promise<TargetConnection> {
  let tunnel: TunnelStream | undefined;
  let stream: (() => Socket | Duplex) | undefined;
  if (route.kind === 'ssh') {
    const opened = await route.open(Math.max(1, deadline - Date.now()));
    tunnel = opened;
    stream = () => opened.stream;
  } else stream = pinnedStream(route.lookup);
  const client = new pg.Client({
    ...toClientConfig(settings, {
      useSsl,
      ...(options.applicationName ? { applicationName: options.applicationName } : {}),
      ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
      ...(options.queryTimeoutMs ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
      ...(options.pooler ? { pooler: true } : {}),
    }),
    ...(stream ? { stream: stream as () => Socket } : {}),
  });
  // A server that drops the session later must not crash the process.
  client.on('error', () => undefined);
  const ms = Math.max(1, deadline - Date.now());
  try {
    await withTimeout(client.connect(), ms, () => void client.end().catch(() => undefined));
    const rows = await withTimeout(
      options.pooler
        ? client.query<{ version: string }>('SHOW VERSION').then((r) => ({
            rows: r.rows.map((v) => ({ num: String(poolerVersionNum(v.version)), ...v })),
          }))
        : client.query<{ num: string; version: string }>(
            "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version",
          ),
      Math.max(1, deadline - Date.now()),
      () => void client.end().catch(() => undefined),
    );
    const row = rows.rows[0];
    return {
      client,
      serverVersionNum: Number(row?.num),
      serverVersion: row?.version ?? '',
      ssl: useSsl,
      ...(tunnel
        ? {
            tunnel: { bastion: tunnel.bastion, hostKey: tunnel.hostKey, pinned: tunnel.pinned },
          }
        : {}),
    };
  } catch (err) {
    await client.end().catch(() => undefined);
    tunnel?.stream.destroy();
    throw err;
  }
}

/**
 * Opens one session to a monitored server within `timeoutMs`, honouring sslmode as
 * libpq does. Failure is a value carrying the classified cause and fix.
 */
export async function connectTarget(
  settings: ConnectionSettings,
  options: ConnectOptions = {},
): Promise<ConnectResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const ctx: AttemptContext = {
    host: settings.host,
    port: settings.port,
    dbname: settings.dbname,
    user: settings.user,
    passwordGiven: !!settings.password,
    usedSsl: false,
    ...(options.pooler ? { pooler: true } : {}),
  };
  let route: Route = { kind: 'direct', lookup: undefined };
  try {
    const ssh = settings.ssh;
    if (ssh) {
      ctx.ssh = { bastion: `${ssh.username}@${ssh.host}:${ssh.port}`, username: ssh.username };
      if (isSocketPath(settings.host))
        throw Object.assign(new Error('a socket path cannot be forwarded'), { code: 'ENOTFOUND' });
      // The forward target passes the outbound policy here, before any socket exists,
      // and the bastion is asked for the checked address, never for a name it resolves.
      const [target] = await withTimeout(
        resolveOutbound(settings.host, options.resolve),
        timeoutMs,
        () => {},
      );
      const to = { address: target!.address, port: settings.port };
      route = {
        kind: 'ssh',
        open: (ms) =>
          openTunnelStream(ssh, to, {
            timeoutMs: ms,
            ...(options.resolve ? { resolve: options.resolve } : {}),
          }),
      };
      const first = await route.open(timeoutMs);
      const probe = await askSslOnStream(first.stream, Math.max(1, deadline - Date.now()));
      ctx.serverOffersSsl = probe.answer === 'S';
    } else if (!isSocketPath(settings.host)) {
      // refused (link-local, metadata) before any socket is opened
      const lookup = pinnedLookup(
        await withTimeout(resolveOutbound(settings.host, options.resolve), timeoutMs, () => {}),
      );
      route = { kind: 'direct', lookup };
      const probe = await askSsl(settings.host, settings.port, timeoutMs, lookup);
      ctx.serverOffersSsl = probe.answer === 'S';
      if (probe.localAddress) ctx.localAddress = probe.localAddress;
    }
    if (sslRequired(settings) && ctx.serverOffersSsl === false) {
      throw Object.assign(new Error('SSL not offered'), { code: 'PGVIGIL_SSL_NOT_OFFERED' });
    }
    const mode = settings.sslmode;
    ctx.usedSsl = sslRequired(settings) || (mode === 'prefer' && ctx.serverOffersSsl === true);
    try {
      return {
        ok: true,
        connection: await open(settings, ctx.usedSsl, options, deadline, route),
      };
    } catch (err) {
      const failure = classifyConnectionError(err, ctx);
      if (failure.code === 'no_hba_entry' && !ctx.usedSsl && ctx.serverOffersSsl) {
        // pg_hba.conf may hold a hostssl line only: the same attempt over TLS tells.
        const overSsl = await open(
          { ...settings, sslmode: 'require', sslRootCert: undefined },
          true,
          options,
          deadline,
          route,
        ).then(
          (connection) => ({ connection, failure: undefined }),
          (sslErr: unknown) => ({
            connection: undefined,
            failure: classifyConnectionError(sslErr, { ...ctx, usedSsl: true }),
          }),
        );
        if (overSsl.failure?.code !== 'no_hba_entry') {
          // allow: libpq's next step is exactly this TLS attempt.
          if (mode === 'allow' && overSsl.connection)
            return { ok: true, connection: overSsl.connection };
          await overSsl.connection?.client.end().catch(() => undefined);
          ctx.hbaAcceptsSsl = true;
        }
        throw err;
      }
      // prefer: libpq falls back to a plain session only when TLS itself failed.
      if (mode === 'prefer' && ctx.usedSsl && failure.code.startsWith('ssl_')) {
        ctx.usedSsl = false;
        return { ok: true, connection: await open(settings, false, options, deadline, route) };
      }
      throw err;
    }
  } catch (err) {
    return { ok: false, failure: classifyConnectionError(err, ctx) };
  }
}

/**
 * Ends a session without ever hanging. A session known to be broken (a query got no answer)
 * has its socket destroyed at once. Otherwise a polite Terminate: the server closes the socket
 * once the backend is gone, so a slot freed after this is a session gone from the server too;
 * if that takes longer than `graceMs` (a peer gone silent), the socket is destroyed.
 */
export async function closeSession(
  client: pg.Client,
  options: { broken?: boolean; graceMs?: number } = {},
): Promise<void> {
  const destroy = () =>
    // pg keeps the socket on its internal connection; nothing else can free it here
    (
      client as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
  if (options.broken) {
    destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().then(
    () => true,
    () => true,
  );
  const late = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), options.graceMs ?? 10_000)),
  );
  const done = await Promise.race([ended, late]);
  clearTimeout(timer);
  if (!done) destroy();
}
