import { authorizedKeysCommand } from '@pgvigil/schema';
import { SSH_ERROR_CODES, type SshErrorCode, type SshFacts } from './ssh-tunnel';

/**
 * Turns a failed connection attempt into a stable code, a plain cause and the fix.
 * Decisions use SQLSTATE, Node/OpenSSL error codes and the server's reporting
 * routine (an untranslated C function name), never message text.
 */
export const CONNECTION_ERROR_CODES = [
  'dns_not_found',
  'dns_temporary_failure',
  'address_refused',
  'connection_refused',
  'host_unreachable',
  'timeout',
  'connection_reset',
  'not_postgres',
  'password_failed',
  'password_required',
  'no_hba_entry',
  'ssl_required_by_server',
  'ssl_not_supported',
  'ssl_certificate_untrusted',
  'ssl_certificate_expired',
  'ssl_host_mismatch',
  'ssl_client_certificate',
  'database_missing',
  'role_missing',
  'too_many_connections',
  'server_starting_or_stopping',
  'server_shutting_down',
  'insufficient_privilege',
  'invalid_parameter',
  'pooler_not_allowed',
  'pooler_wrong_database',
  'pooler_startup_parameter',
  ...SSH_ERROR_CODES,
  'unknown',
] as const;
export type ConnectionErrorCode = (typeof CONNECTION_ERROR_CODES)[number];

export interface ConnectionFailure {
  code: ConnectionErrorCode;
  cause: string;
  fix: string;
  /** SQLSTATE or Node/OpenSSL error code, for support */
  rawCode?: string;
  /** the server's own words, where it sent any (never contains the password) */
  serverMessage?: string;
  /** through a bastion: which one, the key offered and the host keys seen */
  ssh?: Omit<SshFacts, 'socketCode'>;
}

export interface AttemptContext {
  host: string;
  port: number;
  dbname: string;
  user: string;
  passwordGiven: boolean;
  /** whether the failing attempt used TLS */
  usedSsl: boolean;
  /** the server's answer to an SSLRequest, when pgvigil asked */
  serverOffersSsl?: boolean;
  /** set after a plain attempt hit pg_hba.conf and the same attempt over SSL got past it */
  hbaAcceptsSsl?: boolean;
  /** pgvigil's own address as the server saw it, for the pg_hba.conf line */
  localAddress?: string;
  /** set when the attempt goes through an SSH bastion */
  ssh?: SshFacts;
  /** the target is a PgBouncer admin console */
  pooler?: boolean;
}

interface ErrorFields {
  code?: unknown;
  routine?: unknown;
  message?: unknown;
  severity?: unknown;
}

const TLS_UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const TLS_EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

function hbaLine(ctx: AttemptContext, ssl: boolean): string {
  const address = ctx.localAddress
    ? `${ctx.localAddress}/${ctx.localAddress.includes(':') ? 128 : 32}`
    : ctx.ssh
      ? '<bastion address as the database sees it>/32'
      : '<pgvigil address>/32';
  return `${ssl ? 'hostssl' : 'host   '} ${ctx.dbname} ${ctx.user} ${address} scram-sha-256`;
}

type Rule = (ctx: AttemptContext) => Omit<ConnectionFailure, 'code' | 'rawCode' | 'serverMessage'>;

const bastion = (c: AttemptContext) => c.ssh?.bastion ?? 'the bastion';
const addKey = (c: AttemptContext) =>
  c.ssh?.authorizedKeysLine
    ? `Add pgvigil's key (${c.ssh.keyFingerprint}) for user "${c.ssh.username}" on the bastion:\n${authorizedKeysCommand(c.ssh.authorizedKeysLine)}`
    : `Add pgvigil's public key to ~/.ssh/authorized_keys of user "${c.ssh?.username ?? ''}" on the bastion.`;

const SSH_EXPLAIN: Record<SshErrorCode, Rule> = {
  ssh_bastion_unreachable: (c) => ({
    cause: `The bastion ${bastion(c)} cannot be reached from pgvigil${c.ssh?.socketCode ? ` (${c.ssh.socketCode})` : ''}.`,
    fix: 'Check the bastion host name or address, and the network or firewall between pgvigil and the bastion.',
  }),
  ssh_connection_refused: (c) => ({
    cause: `Nothing accepts SSH connections on ${bastion(c)}.`,
    fix: 'Check the SSH port of the bastion and that sshd is running there.',
  }),
  ssh_auth_refused: (c) => ({
    cause: `The bastion ${bastion(c)} refused pgvigil's key${c.ssh?.keyFingerprint ? ` (${c.ssh.keyFingerprint})` : ''} for user "${c.ssh?.username ?? ''}".`,
    fix: addKey(c),
  }),
  ssh_key_unusable: () => ({
    cause:
      'The SSH private key does not parse: it is not an OpenSSH or PEM private key, or it is encrypted and the passphrase is missing or wrong.',
    fix: "Paste the whole private key (-----BEGIN ... PRIVATE KEY-----) and its passphrase, or leave the key empty to use pgvigil's own key.",
  }),
  ssh_host_key_mismatch: (c) => ({
    cause: `The bastion ${bastion(c)} presented host key ${c.ssh?.presentedHostKey ?? '(unknown)'}, but ${c.ssh?.expectedHostKey ?? '(none)'} is pinned. pgvigil stopped before authenticating: nothing was sent.`,
    fix: 'If the bastion was rebuilt or its host key rotated on purpose, check the new fingerprint on the bastion (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and clear the pinned key of this server; otherwise treat it as an attack.',
  }),
  ssh_forwarding_refused: (c) => ({
    cause: `The bastion ${bastion(c)} accepted the login but refuses to forward connections.`,
    fix: `Set AllowTcpForwarding yes (or local) for user "${c.ssh?.username ?? ''}" in the bastion's sshd_config (and allow ${c.host}:${c.port} if PermitOpen is set), then reload sshd.`,
  }),
  ssh_database_unreachable: (c) => ({
    cause: `The bastion ${bastion(c)} could not open a connection to ${c.host}:${c.port}.`,
    fix: `Check that PostgreSQL listens on ${c.host}:${c.port} as seen from the bastion (listen_addresses, port), and the firewall between the bastion and the database.`,
  }),
  ssh_timeout: (c) => ({
    cause: `The bastion ${bastion(c)} did not complete the SSH session in time.`,
    fix: 'A firewall may be dropping packets to the bastion, or the bastion is overloaded.',
  }),
  ssh_tunnel_lost: (c) => ({
    cause: `The SSH connection to ${bastion(c)} was closed.`,
    fix: 'pgvigil reopens the tunnel on the next attempt; if it keeps dropping, check the bastion (sshd log, MaxSessions, network).',
  }),
};

const EXPLAIN: Record<ConnectionErrorCode, Rule> = {
  ...SSH_EXPLAIN,
  dns_not_found: (c) => ({
    cause: `The host name "${c.host}" does not resolve to any address.`,
    fix: 'Check the spelling of the host, or use its IP address. pgvigil resolves names with the DNS of the machine it runs on.',
  }),
  dns_temporary_failure: () => ({
    cause: 'The DNS server did not answer in time.',
    fix: 'Retry; if it persists, check the DNS configuration of the machine pgvigil runs on.',
  }),
  address_refused: (c) => ({
    cause: `"${c.host}" is or resolves to a link-local or cloud metadata address; pgvigil never connects there.`,
    fix: 'Use the address of the PostgreSQL server itself (private addresses are fine).',
  }),
  connection_refused: (c) => ({
    cause: `Nothing accepts connections on ${c.host}:${c.port}.`,
    fix: `Check that PostgreSQL is running, that "port" is ${c.port}, and that listen_addresses includes an address reachable from pgvigil (ALTER SYSTEM SET listen_addresses = '*'; then restart).`,
  }),
  host_unreachable: (c) => ({
    cause: `No network route to ${c.host}.`,
    fix: 'Check the address, VPN, security groups and firewalls between pgvigil and the server.',
  }),
  timeout: (c) => ({
    cause: `${c.host}:${c.port} did not answer in time.`,
    fix: 'A firewall may be dropping packets, or the server is overloaded. Check security groups / firewall rules for the port.',
  }),
  connection_reset: () => ({
    cause: 'The server closed the connection before the session started.',
    fix: 'Check the server log; a proxy or pooler in between may be rejecting the connection.',
  }),
  not_postgres: (c) => ({
    cause: `${c.host}:${c.port} answers, but not as a PostgreSQL server.`,
    fix: 'Check the port number; another service listens there.',
  }),
  password_failed: (c) => ({
    cause: `The server rejected the password for role "${c.user}" (or the role does not exist: the server does not say which).`,
    fix: `Check the password; to set a new one: ALTER ROLE "${c.user}" PASSWORD '...';`,
  }),
  password_required: (c) => ({
    cause: `The server asks for a password for role "${c.user}" and none was given.`,
    fix: 'Enter the password of the role.',
  }),
  no_hba_entry: (c) => ({
    cause: `pg_hba.conf has no line allowing role "${c.user}" to reach database "${c.dbname}" from pgvigil's address${c.usedSsl ? ' over SSL' : ' without SSL'}.`,
    fix: `Add this line to pg_hba.conf, then run SELECT pg_reload_conf();\n${hbaLine(c, c.usedSsl)}`,
  }),
  ssl_required_by_server: (c) => ({
    cause:
      'The server accepts this role and database only over SSL, and pgvigil connected without it.',
    fix: `Set sslmode to require (or verify-full with the CA certificate), or allow non-SSL connections with:\n${hbaLine(c, false)}`,
  }),
  ssl_not_supported: () => ({
    cause: 'The server does not offer SSL, and the chosen sslmode requires it.',
    fix: 'Enable SSL on the server (ssl = on with a certificate and key), or set sslmode to prefer or disable on a trusted network.',
  }),
  ssl_certificate_untrusted: () => ({
    cause:
      "The server's certificate is not signed by the CA certificate given (or none was given).",
    fix: "Paste the CA certificate that signed the server's certificate (for RDS, the region's RDS CA bundle), or use sslmode=require to encrypt without verifying.",
  }),
  ssl_certificate_expired: () => ({
    cause: "The server's certificate has expired or is not valid yet.",
    fix: "Renew the server's certificate, and check the clocks of both machines.",
  }),
  ssl_host_mismatch: (c) => ({
    cause: `The server's certificate does not name "${c.host}".`,
    fix: 'Connect with the host name written in the certificate, or use sslmode=verify-ca to verify the chain without the name.',
  }),
  ssl_client_certificate: () => ({
    cause:
      'The client certificate or key is unusable (malformed PEM, key not matching the certificate, or an encrypted key).',
    fix: 'Paste an unencrypted PEM private key matching the client certificate.',
  }),
  database_missing: (c) => ({
    cause: `Database "${c.dbname}" does not exist on this server.`,
    fix: `Use an existing database (postgres is usually there), or create it: CREATE DATABASE "${c.dbname}";`,
  }),
  role_missing: (c) => ({
    cause: `Role "${c.user}" does not exist on this server.`,
    fix: `Create it: CREATE ROLE "${c.user}" LOGIN PASSWORD '...'; GRANT pg_monitor TO "${c.user}";`,
  }),
  too_many_connections: (c) => ({
    cause: 'The server, the database or the role has reached its connection limit.',
    fix: `Raise the limit (ALTER ROLE "${c.user}" CONNECTION LIMIT 5; or max_connections), or free connections.`,
  }),
  server_starting_or_stopping: () => ({
    cause:
      'The server is starting up, shutting down or in recovery, and accepts no connections now.',
    fix: 'Wait and retry. A standby accepts connections only with hot_standby = on.',
  }),
  server_shutting_down: () => ({
    cause: 'The server terminated the session (administrator command or shutdown).',
    fix: 'Retry once the server is back up.',
  }),
  insufficient_privilege: (c) => ({
    cause: `Role "${c.user}" may not connect to database "${c.dbname}".`,
    fix: `GRANT CONNECT ON DATABASE "${c.dbname}" TO "${c.user}";`,
  }),
  invalid_parameter: () => ({
    cause: 'The server rejected a connection parameter.',
    fix: 'Check the database and user names for typing errors.',
  }),
  pooler_not_allowed: (c) => ({
    cause: `PgBouncer let "${c.user}" log in, but not into its admin console: the user is in neither stats_users nor admin_users.`,
    fix: `Add the user to stats_users in pgbouncer.ini (stats_users = ${c.user}; SHOW commands are all pgvigil runs, admin_users is not needed), then reload PgBouncer (RELOAD; on the console, or SIGHUP).`,
  }),
  pooler_wrong_database: (c) => ({
    cause: `PgBouncer has no database "${c.dbname}"; pgvigil reads a pooler through its admin console, the virtual database "pgbouncer".`,
    fix: 'Set the database to pgbouncer. The pooled databases are discovered from the console (SHOW DATABASES).',
  }),
  pooler_startup_parameter: () => ({
    cause:
      'PgBouncer refused a startup parameter it does not track. pgvigil sends none beyond user, database and application_name to a pooler; a proxy or connection option in between added one.',
    fix: 'Add the parameter to ignore_startup_parameters in pgbouncer.ini (JDBC and some drivers need extra_float_digits there too), then reload PgBouncer.',
  }),
  unknown: () => ({
    cause: 'The connection failed for a reason pgvigil does not recognise.',
    fix: 'See the server message below and the server log.',
  }),
};

/**
 * PgBouncer answers every refusal with SQLSTATE 08P01 and no routine; only its message,
 * which it never translates, tells them apart. Matched for poolers only.
 */
function poolerCodeFor(err: ErrorFields): ConnectionErrorCode | null {
  if (typeof err.severity !== 'string' || typeof err.message !== 'string') return null;
  const message = err.message;
  if (message === 'not allowed') return 'pooler_not_allowed';
  if (message.startsWith('no such database')) return 'pooler_wrong_database';
  if (message.startsWith('unsupported startup parameter')) return 'pooler_startup_parameter';
  if (/authentication failed$/.test(message) || message === 'no such user')
    return 'password_failed';
  return null;
}

/** How a refusal reads when the target is a pooler: the fix is in pgbouncer.ini, not PostgreSQL. */
const POOLER_EXPLAIN: Partial<Record<ConnectionErrorCode, Rule>> = {
  password_failed: (c) => ({
    cause: `PgBouncer rejected the password for "${c.user}" (or its auth_file / auth_query does not know the user).`,
    fix: `Check the user's line in PgBouncer's auth_file ("${c.user}" "<password or SCRAM secret>") and the password entered here; auth_type md5 and scram-sha-256 both accept a plain password there.`,
  }),
  connection_refused: (c) => ({
    cause: `Nothing accepts connections on ${c.host}:${c.port}: PgBouncer is down or listens elsewhere.`,
    fix: 'Check that PgBouncer runs and that listen_addr and listen_port in pgbouncer.ini match this host and port (6432 by default).',
  }),
};

function codeFor(err: ErrorFields, ctx: AttemptContext): ConnectionErrorCode {
  const code = typeof err.code === 'string' ? err.code : '';
  const pooler = ctx.pooler ? poolerCodeFor(err) : null;
  if (pooler) return pooler;
  const routine = typeof err.routine === 'string' ? err.routine : '';
  if (/^[0-9A-Z]{5}$/.test(code) && typeof err.severity === 'string') {
    if (code === '28P01') return 'password_failed';
    if (code === '28000') {
      // 28000 covers both "no pg_hba.conf entry" (ClientAuthentication) and "role does not exist".
      if (routine === 'InitializeSessionUserId') return 'role_missing';
      if (!ctx.usedSsl && ctx.hbaAcceptsSsl) return 'ssl_required_by_server';
      return 'no_hba_entry';
    }
    if (code === '3D000') return 'database_missing';
    if (code === '53300') return 'too_many_connections';
    if (code === '57P03') return 'server_starting_or_stopping';
    if (code === '57P01' || code === '57P02') return 'server_shutting_down';
    if (code === '42501') return 'insufficient_privilege';
    if (code.startsWith('22') || code === '42704') return 'invalid_parameter';
    if (code.startsWith('08')) return 'connection_reset';
    return 'unknown';
  }
  if (code === 'PGVIGIL_SSH') return (err as { sshCode: SshErrorCode }).sshCode;
  if (code === 'ENOTFOUND') return 'dns_not_found';
  if (code === 'EAI_AGAIN') return 'dns_temporary_failure';
  if (code === 'PGVIGIL_ADDRESS_REFUSED') return 'address_refused';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN')
    return 'host_unreachable';
  if (code === 'ETIMEDOUT' || code === 'PGVIGIL_CONNECT_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection_reset';
  if (code === 'PGVIGIL_NOT_POSTGRES') return 'not_postgres';
  if (code === 'PGVIGIL_SSL_NOT_OFFERED') return 'ssl_not_supported';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'ssl_host_mismatch';
  if (TLS_UNTRUSTED.has(code)) return 'ssl_certificate_untrusted';
  if (TLS_EXPIRED.has(code)) return 'ssl_certificate_expired';
  if (code.startsWith('ERR_OSSL') || code === 'ERR_SSL_WRONG_VERSION_NUMBER')
    return 'ssl_client_certificate';
  // pg raises a code-less error when the server asks for a password and the client has none.
  if (!code && !ctx.passwordGiven) return 'password_required';
  return 'unknown';
}

function sshPart({ socketCode: _s, ...rest }: SshFacts): Omit<SshFacts, 'socketCode'> {
  return rest;
}

export function classifyConnectionError(err: unknown, ctx: AttemptContext): ConnectionFailure {
  const fields: ErrorFields = typeof err === 'object' && err !== null ? (err as ErrorFields) : {};
  if (fields.code === 'PGVIGIL_SSH') ctx = { ...ctx, ssh: (err as { facts: SshFacts }).facts };
  const code = codeFor(fields, ctx);
  const isServerError = typeof fields.severity === 'string';
  return {
    code,
    ...(ctx.pooler ? (POOLER_EXPLAIN[code] ?? EXPLAIN[code]) : EXPLAIN[code])(ctx),
    ...(typeof fields.code === 'string' ? { rawCode: fields.code } : {}),
    ...(isServerError && typeof fields.message === 'string'
      ? { serverMessage: fields.message }
      : {}),
    ...(ctx.ssh ? { ssh: sshPart(ctx.ssh) } : {}),
  };
}
