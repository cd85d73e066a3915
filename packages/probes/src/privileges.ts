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
  'sequence_helper',
  'stats_helper',
] as const;
export type ProbePrivilege = (typeof PROBE_PRIVILEGES)[number];

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The two helpers a DBA installs once per database so that a `pg_monitor` role sees what
 * `pg_monitor` alone hides (docs/permissions.md prints this SQL; a test keeps them equal).
 * They run as their owner (a superuser, or a role in pg_read_all_data) and return only
 * numbers: a sequence's position, a column's NULL fraction and average width. No row of
 * any table, no most-common values, unlike GRANT SELECT or pg_read_all_data.
 */
export const HELPER_SCHEMA = 'pgvigil';
export const SEQUENCE_HELPER = `${HELPER_SCHEMA}.sequence_last_value(regclass)`;
export const STATS_HELPER = `${HELPER_SCHEMA}.column_stats(regclass)`;

export function helperSql(role: string): string {
  const r = quoteIdent(role);
  return `CREATE SCHEMA IF NOT EXISTS ${HELPER_SCHEMA};
REVOKE ALL ON SCHEMA ${HELPER_SCHEMA} FROM PUBLIC;
CREATE OR REPLACE FUNCTION ${HELPER_SCHEMA}.sequence_last_value(seq regclass)
  RETURNS TABLE (last_value bigint, is_called boolean)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = seq AND relkind = 'S') THEN
    RAISE EXCEPTION '% is not a sequence', seq;
  END IF;
  RETURN QUERY EXECUTE format('SELECT last_value, is_called FROM %s', seq);
END $$;
CREATE OR REPLACE FUNCTION ${HELPER_SCHEMA}.column_stats(rel regclass)
  RETURNS TABLE (attname name, null_frac real, avg_width integer)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT s.attname, s.null_frac, s.avg_width
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname
   WHERE c.oid = rel AND NOT s.inherited
$$;
REVOKE ALL ON FUNCTION ${SEQUENCE_HELPER}, ${STATS_HELPER} FROM PUBLIC;
GRANT USAGE ON SCHEMA ${HELPER_SCHEMA} TO ${r};
GRANT EXECUTE ON FUNCTION ${SEQUENCE_HELPER}, ${STATS_HELPER} TO ${r};`;
}

/** True when the role may call `fn` (a regprocedure text): false, never an error, when it is absent. */
const mayCall = (fn: string) =>
  `coalesce(has_schema_privilege(to_regnamespace('${HELPER_SCHEMA}'), 'USAGE')
            AND has_function_privilege(to_regprocedure('${fn}'), 'EXECUTE'), false)`;

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
  sequence_helper: {
    sql: mayCall(SEQUENCE_HELPER),
    why: `${SEQUENCE_HELPER} is not installed in this database (pg_monitor does not show last_value)`,
    fix: (r) =>
      `install the pgvigil helpers (docs/permissions.md) or GRANT SELECT ON ALL SEQUENCES IN SCHEMA <schema> TO ${quoteIdent(r)};`,
  },
  stats_helper: {
    sql: mayCall(STATS_HELPER),
    why: `${STATS_HELPER} is not installed in this database (pg_stats hides tables the role may not SELECT)`,
    fix: (r) =>
      `install the pgvigil helpers (docs/permissions.md) or GRANT pg_read_all_data TO ${quoteIdent(r)};`,
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
