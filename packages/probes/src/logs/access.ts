/**
 * Whether the monitoring role may read the server's own log, and in which format. Listing
 * the log directory (pg_ls_logdir) comes with pg_monitor; reading a file
 * (pg_read_binary_file) needs pg_read_server_files or an explicit GRANT EXECUTE. The
 * format decides the parser: jsonlog (15+) and csvlog carry every field; stderr only when
 * log_line_prefix has the time, the database and the SQLSTATE.
 */
import type { ProbeClient } from '../run-probe';

export const LOG_FORMATS = ['jsonlog', 'csvlog', 'stderr'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const READ_LOG_FUNCTION = 'pg_catalog.pg_read_binary_file(text,bigint,bigint,boolean)';

export const LOG_ACCESS_SQL = `SELECT current_user::text AS role,
  current_setting('server_version_num')::int AS version,
  has_function_privilege('pg_catalog.pg_ls_logdir()', 'EXECUTE') AS can_list,
  has_function_privilege('${READ_LOG_FUNCTION}', 'EXECUTE') AS can_read,
  (SELECT setting FROM pg_settings WHERE name = 'logging_collector') AS logging_collector,
  (SELECT setting FROM pg_settings WHERE name = 'log_destination') AS log_destination,
  (SELECT setting FROM pg_settings WHERE name = 'log_directory') AS log_directory,
  (SELECT setting FROM pg_settings WHERE name = 'log_line_prefix') AS log_line_prefix`;

export interface LogAccessFacts {
  role: string;
  version: number;
  can_list: boolean;
  can_read: boolean;
  logging_collector: string | null;
  log_destination: string | null;
  log_directory: string | null;
  log_line_prefix: string | null;
}

export type LogAccess =
  | { ok: true; format: LogFormat; directory: string; linePrefix: string }
  | { ok: false; reason: string; fix: string };

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** What a stderr log_line_prefix must carry: the time, the database, the SQLSTATE. */
export const STDERR_PREFIX_NEEDS = ['%m or %t or %n', '%d', '%e'] as const;
export const SUGGESTED_PREFIX = '%m [%p] %q%u@%d %e ';

export function stderrPrefixMissing(prefix: string): string[] {
  const missing: string[] = [];
  if (!/%[mtn]/.test(prefix)) missing.push('%m');
  if (!prefix.includes('%d')) missing.push('%d');
  if (!prefix.includes('%e')) missing.push('%e');
  return missing;
}

/** Pure: what the facts mean, with the exact GRANT or setting that fixes a refusal. */
export function decideLogAccess(f: LogAccessFacts): LogAccess {
  const role = quoteIdent(f.role);
  if (!f.can_list)
    return {
      ok: false,
      reason: 'the role may not list the log directory (pg_ls_logdir comes with pg_monitor)',
      fix: `GRANT pg_monitor TO ${role};`,
    };
  if (!f.can_read)
    return {
      ok: false,
      reason: 'the role may not read server files (pg_read_binary_file)',
      fix: `GRANT pg_read_server_files TO ${role}; -- or: GRANT EXECUTE ON FUNCTION ${READ_LOG_FUNCTION} TO ${role};`,
    };
  if (f.log_directory === null || f.log_destination === null)
    return {
      ok: false,
      reason: 'log_directory and log_destination are hidden from the role',
      fix: `GRANT pg_monitor TO ${role};`,
    };
  if (f.logging_collector !== 'on')
    return {
      ok: false,
      reason:
        'logging_collector is off: the server log is not written to files the server can read',
      fix: `ALTER SYSTEM SET logging_collector = on; ALTER SYSTEM SET log_destination = '${f.version >= 150000 ? 'jsonlog' : 'csvlog'}'; -- then restart`,
    };
  const destinations = f.log_destination.split(',').map((d) => d.trim().toLowerCase());
  const base = {
    ok: true as const,
    directory: f.log_directory,
    linePrefix: f.log_line_prefix ?? '',
  };
  if (f.version >= 150000 && destinations.includes('jsonlog'))
    return { ...base, format: 'jsonlog' };
  if (destinations.includes('csvlog')) return { ...base, format: 'csvlog' };
  const better = f.version >= 150000 ? `'jsonlog' (or 'csvlog')` : `'csvlog' (jsonlog needs 15+)`;
  if (!destinations.includes('stderr'))
    return {
      ok: false,
      reason: `log_destination is '${f.log_destination}': nothing is written to files`,
      fix: `ALTER SYSTEM SET log_destination = ${better}; SELECT pg_reload_conf();`,
    };
  const missing = stderrPrefixMissing(base.linePrefix);
  if (missing.length > 0)
    return {
      ok: false,
      reason: `log_destination is stderr and log_line_prefix '${base.linePrefix}' lacks ${missing.join(', ')} (the time, the database and the SQLSTATE are needed)`,
      fix: `ALTER SYSTEM SET log_destination = ${better}; SELECT pg_reload_conf(); -- or: ALTER SYSTEM SET log_line_prefix = '${SUGGESTED_PREFIX}';`,
    };
  return { ...base, format: 'stderr' };
}

export async function logAccess(client: ProbeClient): Promise<LogAccess> {
  const { rows } = await client.query(
    `SELECT /* pgvigil:log_events */ * FROM (${LOG_ACCESS_SQL}) f`,
  );
  return decideLogAccess(rows[0] as unknown as LogAccessFacts);
}
