/**
 * What a probe needs beyond a plain login, checked once per session so that a probe the
 * role cannot run says "unavailable: <why>; <the GRANT that fixes it>" instead of failing,
 * or worse, returning rows with other sessions' values hidden as NULL.
 */
export const PROBE_PRIVILEGES = [
  'pg_read_all_stats',
  'pg_read_all_settings',
  'pg_ls_waldir',
  'pg_ls_archive_statusdir',
  'pg_hba_file_rules',
] as const;
export type ProbePrivilege = (typeof PROBE_PRIVILEGES)[number];

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface PrivilegeCheck {
  /** a boolean SQL expression, true when the current role has it (superusers have everything) */
  sql: string;
  /** what is hidden or refused without it */
  why: string;
  fix: (role: string) => string;
}

export const PRIVILEGE_CHECKS: Record<ProbePrivilege, PrivilegeCheck> = {
  pg_read_all_stats: {
    sql: `pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')`,
    why: "without pg_read_all_stats other roles' sessions, queries and states are hidden",
    fix: (r) => `GRANT pg_monitor TO ${quoteIdent(r)};`,
  },
  pg_read_all_settings: {
    sql: `pg_has_role(current_user, 'pg_read_all_settings', 'USAGE')`,
    why: 'without pg_read_all_settings superuser-only settings are hidden',
    fix: (r) => `GRANT pg_monitor TO ${quoteIdent(r)};`,
  },
  pg_ls_waldir: {
    sql: `has_function_privilege('pg_catalog.pg_ls_waldir()', 'EXECUTE')`,
    why: 'pg_ls_waldir() may be run by pg_monitor members only',
    fix: (r) => `GRANT pg_monitor TO ${quoteIdent(r)};`,
  },
  pg_ls_archive_statusdir: {
    sql: `has_function_privilege('pg_catalog.pg_ls_archive_statusdir()', 'EXECUTE')`,
    why: 'pg_ls_archive_statusdir() may be run by pg_monitor members only',
    fix: (r) => `GRANT pg_monitor TO ${quoteIdent(r)};`,
  },
  pg_hba_file_rules: {
    sql: `has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT')
          AND has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE')`,
    why: 'pg_hba_file_rules is readable by superusers only, pg_monitor does not include it',
    fix: (r) =>
      `GRANT SELECT ON pg_hba_file_rules TO ${quoteIdent(r)}; GRANT EXECUTE ON FUNCTION pg_hba_file_rules() TO ${quoteIdent(r)};`,
  },
};

/** One SELECT returning a boolean column per privilege, plus `role`. */
export const PRIVILEGES_SQL = `SELECT current_user::text AS role, ${PROBE_PRIVILEGES.map(
  (p) => `(${PRIVILEGE_CHECKS[p].sql}) AS ${p}`,
).join(', ')}`;

/** The reason a probe is unavailable for lack of `missing`, with the fix. */
export function privilegeReason(missing: readonly ProbePrivilege[], role: string): string {
  const fixes = [...new Set(missing.map((p) => PRIVILEGE_CHECKS[p].fix(role)))];
  return `${missing.map((p) => PRIVILEGE_CHECKS[p].why).join('; ')}: ${fixes.join(' ')}`;
}
