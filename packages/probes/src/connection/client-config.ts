import type { ClientConfig } from 'pg';
import type { ConnectionSettings } from './settings';

export interface ClientOptions {
  applicationName?: string;
  /** per-statement limit on the monitored server */
  statementTimeoutMs?: number;
  /**
   * Client-side limit on any one query: a half-open connection (the server or a middlebox
   * gone without a FIN) otherwise hangs a query until the OS gives up, minutes later.
   * Default: the statement timeout plus 5 s.
   */
  queryTimeoutMs?: number;
  /** whether to negotiate TLS; for prefer/allow the caller decides from the server's answer */
  useSsl?: boolean;
  /**
   * A PgBouncer admin console: it refuses startup parameters outside its short list
   * (ignore_startup_parameters), so only user, database and application_name are sent.
   */
  pooler?: boolean;
}

/** Whether settings ask for TLS outright (prefer and allow depend on what the server offers). */
export function sslRequired(s: ConnectionSettings): boolean {
  return s.sslmode === 'require' || s.sslmode === 'verify-ca' || s.sslmode === 'verify-full';
}

function sslConfig(s: ConnectionSettings): ClientConfig['ssl'] {
  // As in libpq: `require` with a CA certificate given verifies the chain like verify-ca.
  const verifyChain =
    s.sslmode === 'verify-ca' ||
    s.sslmode === 'verify-full' ||
    (s.sslmode === 'require' && !!s.sslRootCert);
  return {
    rejectUnauthorized: verifyChain,
    ...(s.sslRootCert ? { ca: s.sslRootCert } : {}),
    ...(s.sslCert ? { cert: s.sslCert } : {}),
    ...(s.sslKey ? { key: s.sslKey } : {}),
    // Only verify-full checks that the certificate names the host.
    ...(s.sslmode === 'verify-full' ? {} : { checkServerIdentity: () => undefined }),
  };
}

/** A `pg` client configuration for the settings; no file is read, no URL is built. */
export function toClientConfig(s: ConnectionSettings, options: ClientOptions = {}): ClientConfig {
  const useSsl = options.useSsl ?? sslRequired(s);
  const statementTimeout = options.statementTimeoutMs ?? 10_000;
  return {
    host: s.host,
    port: s.port,
    database: s.dbname,
    user: s.user,
    // Discrete fields, never a URL: any character in a password is passed through untouched.
    ...(s.password !== undefined ? { password: s.password } : {}),
    ssl: useSsl ? sslConfig(s) : false,
    application_name: options.applicationName ?? 'pgvigil',
    ...(options.pooler
      ? {}
      : {
          statement_timeout: statementTimeout,
          // Monitoring must never wait on a lock held by the workload it watches.
          lock_timeout: Math.min(statementTimeout, 2_000),
          // A session left in a transaction by a lost client ends on the server by itself.
          idle_in_transaction_session_timeout: 60_000,
        }),
    query_timeout: options.queryTimeoutMs ?? statementTimeout + 5_000,
    // TCP keepalive finds a peer that vanished while the session was idle.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}
