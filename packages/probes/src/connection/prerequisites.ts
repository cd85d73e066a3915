import type pg from 'pg';
import { helperSql, PRIVILEGE_CHECKS, SEQUENCE_HELPER, STATS_HELPER } from '../privileges';
import { decideLogAccess, LOG_ACCESS_SQL, type LogAccessFacts } from '../logs/access';

export const CHECK_STATUSES = ['ok', 'warning', 'missing'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface PrerequisiteCheck {
  key: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** the exact SQL (or step) that makes the check pass */
  fix?: string;
}

export const MIN_SERVER_VERSION_NUM = 140000;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The GRANTs that let `role` read the sequences of `schemas`, now and when more are created. */
function sequenceGrantSql(role: string, schemas: readonly string[]): string {
  const r = quoteIdent(role);
  const list = (schemas.length ? schemas : ['<schema>']).map(quoteIdent).join(', ');
  return [
    `GRANT USAGE ON SCHEMA ${list} TO ${r};`,
    `GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${list} TO ${r};`,
    `-- sequences created later, once per role that creates them:`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE <owner> IN SCHEMA ${list} GRANT SELECT ON SEQUENCES TO ${r};`,
    `-- or everything at once (PostgreSQL 14+): GRANT pg_read_all_data TO ${r};`,
  ].join('\n');
}

/** The least privilege that shows what pg_monitor hides: the helpers, installed once per database. */
const helperFix = (role: string, dbname: string, alternative: string) =>
  `-- in database ${quoteIdent(dbname)}, as a superuser (or a role in pg_read_all_data):\n${helperSql(role)}\n-- or, reading table data too:\n${alternative}`;

interface Facts {
  user: string;
  superuser: boolean;
  monitor: boolean;
  /** null when the role may not read it (it is a superuser-only setting) */
  preload: string | null;
  pss_loaded: boolean;
  pss_version: string | null;
  track_io_timing: string;
  track_functions: string;
  wal_level: string;
  max_wal_senders: string;
  max_replication_slots: string;
  system_stats_version: string | null;
  system_stats_available: boolean;
  hba_readable: boolean;
  /** the helpers of docs/permissions.md are installed and callable */
  sequence_helper: boolean;
  stats_helper: boolean;
  sequences: number;
  /** schemas holding sequences the role may not read (last_value needs SELECT) */
  sequence_schemas_unreadable: string[];
  sequences_unreadable: number;
  /** user tables whose planner statistics pg_stats hides from the role (bloat estimates) */
  tables: number;
  tables_stats_hidden: number;
  /** the optional query-analytics extensions (QUERY_EXTENSIONS), in that order */
  query_extensions: QueryExtensionFact[];
}

/**
 * Optional extensions the query page and the index advisor use when present, and whether each
 * must be in shared_preload_libraries (hypopg need not).
 */
export const QUERY_EXTENSIONS = [
  { name: 'pg_stat_kcache', preload: true, gives: 'CPU and real I/O per statement' },
  { name: 'pg_wait_sampling', preload: true, gives: 'waits per statement' },
  { name: 'pg_qualstats', preload: true, gives: 'predicates for missing-index advice' },
  { name: 'hypopg', preload: false, gives: 'verified missing-index advice' },
] as const;

interface QueryExtensionFact {
  name: string;
  /** installed version in the checked database, null when not created */
  version: string | null;
  /** the server has the package (pg_available_extensions) */
  available: boolean;
  /** the library is loaded: it defines its settings (any role may read which exist) */
  loaded: boolean;
}

// One round trip; every function used exists from PostgreSQL 10 on.
const FACTS_SQL = `
SELECT current_user AS user,
       r.rolsuper AS superuser,
       pg_has_role(current_user, 'pg_monitor', 'USAGE') AS monitor,
       CASE WHEN r.rolsuper OR pg_has_role(current_user, 'pg_read_all_settings', 'USAGE')
            THEN current_setting('shared_preload_libraries') END AS preload,
       -- the library defines its settings when loaded; readable by any role
       EXISTS (SELECT 1 FROM pg_settings WHERE name = 'pg_stat_statements.max') AS pss_loaded,
       (SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements') AS pss_version,
       current_setting('track_io_timing') AS track_io_timing,
       current_setting('track_functions') AS track_functions,
       current_setting('wal_level') AS wal_level,
       current_setting('max_wal_senders') AS max_wal_senders,
       current_setting('max_replication_slots') AS max_replication_slots,
       (SELECT extversion FROM pg_extension WHERE extname = 'system_stats') AS system_stats_version,
       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'system_stats') AS system_stats_available,
       (${PRIVILEGE_CHECKS.pg_hba_file_rules.sql}) AS hba_readable,
       (${PRIVILEGE_CHECKS.sequence_helper.sql}) AS sequence_helper,
       (${PRIVILEGE_CHECKS.stats_helper.sql}) AS stats_helper,
       seq.total AS sequences, seq.unreadable AS sequences_unreadable,
       seq.schemas AS sequence_schemas_unreadable,
       tab.total AS tables, tab.hidden AS tables_stats_hidden,
       (SELECT json_agg(json_build_object(
                 'name', e.name,
                 'version', (SELECT extversion FROM pg_extension WHERE extname = e.name),
                 'available', EXISTS (SELECT 1 FROM pg_available_extensions a WHERE a.name = e.name),
                 'loaded', NOT e.preload OR EXISTS (SELECT 1 FROM pg_settings
                                                     WHERE starts_with(name, e.name || '.')))
                 ORDER BY e.n)
          FROM unnest(ARRAY[${QUERY_EXTENSIONS.map((e) => `'${e.name}'`).join(', ')}],
                      ARRAY[${QUERY_EXTENSIONS.map((e) => e.preload).join(', ')}])
               WITH ORDINALITY AS e(name, preload, n)) AS query_extensions
  FROM pg_roles r,
       LATERAL (SELECT count(*)::int AS total,
                       count(*) FILTER (WHERE NOT ok)::int AS unreadable,
                       coalesce(array_agg(DISTINCT nspname::text) FILTER (WHERE NOT ok), '{}') AS schemas
                  FROM (SELECT n.nspname, has_schema_privilege(n.oid, 'USAGE')
                                AND has_sequence_privilege(c.oid, 'SELECT') AS ok
                          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE c.relkind = 'S' AND NOT pg_is_other_temp_schema(n.oid)) s) seq,
       LATERAL (SELECT count(*)::int AS total,
                       count(*) FILTER (WHERE NOT has_table_privilege(c.oid, 'SELECT'))::int AS hidden
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'm') AND c.oid >= 16384
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema')) tab
 WHERE r.rolname = current_user`;

/** One check: `ok`, or `failing` with the fix (a passing check carries none). */
function check(
  key: string,
  title: string,
  passed: boolean,
  detail: string,
  fix: string,
  failing: Exclude<CheckStatus, 'ok'> = 'missing',
): PrerequisiteCheck {
  return { key, title, status: passed ? 'ok' : failing, detail, ...(passed ? {} : { fix }) };
}

/** Pure: what the facts of a server mean for pgvigil, each with the fix. */
export function evaluatePrerequisites(
  f: Facts,
  versionNum: number,
  dbname: string,
): PrerequisiteCheck[] {
  const preloadList = (f.preload ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const preloaded = f.pss_loaded || preloadList.includes('pg_stat_statements');
  const newList =
    f.preload === null
      ? ['<current list>', 'pg_stat_statements']
      : [...preloadList, 'pg_stat_statements'];
  const senders = Number(f.max_wal_senders);
  const slots = Number(f.max_replication_slots);
  const systemStatsFix = f.system_stats_available
    ? 'CREATE EXTENSION system_stats;'
    : 'Install the system_stats package for this PostgreSQL version on the server, then: CREATE EXTENSION system_stats;';
  const restart = '\n-- then restart the server';
  const reload = '\nSELECT pg_reload_conf();';
  // A setting check: its current value is the detail, a failure is only a warning.
  const setting = (
    name:
      | 'track_io_timing'
      | 'track_functions'
      | 'wal_level'
      | 'max_wal_senders'
      | 'max_replication_slots',
    title: string,
    passed: boolean,
    fix: string,
  ) => check(name, title, passed, `${name} = ${f[name]}`, fix, 'warning');
  return [
    check(
      'server_version',
      'Server version 14 or later',
      versionNum >= MIN_SERVER_VERSION_NUM,
      `server_version_num = ${versionNum}`,
      'Upgrade the server to PostgreSQL 14 or later.',
    ),
    check(
      'pg_monitor',
      'Role is a member of pg_monitor',
      f.monitor || f.superuser,
      f.superuser
        ? `${f.user} is a superuser`
        : `${f.user} is ${f.monitor ? '' : 'not '}a member of pg_monitor`,
      `GRANT pg_monitor TO ${quoteIdent(f.user)};`,
    ),
    check(
      'pg_stat_statements_preloaded',
      'pg_stat_statements in shared_preload_libraries',
      preloaded,
      f.preload === null
        ? `pg_stat_statements is ${preloaded ? '' : 'not '}loaded`
        : `shared_preload_libraries = '${f.preload}'`,
      `ALTER SYSTEM SET shared_preload_libraries = ${quoteLiteral(newList.join(', '))};${restart}`,
    ),
    check(
      'pg_stat_statements_created',
      `pg_stat_statements created in database ${dbname}`,
      !!f.pss_version,
      f.pss_version ? `version ${f.pss_version}` : 'extension not created',
      `-- in database ${quoteIdent(dbname)}, as a superuser:\nCREATE EXTENSION pg_stat_statements;`,
    ),
    setting(
      'track_io_timing',
      'track_io_timing on (I/O time per query and table)',
      f.track_io_timing === 'on',
      `ALTER SYSTEM SET track_io_timing = on;${reload}`,
    ),
    setting(
      'track_functions',
      'track_functions pl or all (function statistics)',
      f.track_functions !== 'none',
      `ALTER SYSTEM SET track_functions = 'pl';${reload}`,
    ),
    setting(
      'wal_level',
      'wal_level replica or logical (replication monitoring)',
      f.wal_level !== 'minimal',
      `ALTER SYSTEM SET wal_level = 'replica';${restart}`,
    ),
    setting(
      'max_wal_senders',
      'max_wal_senders above 0 (replication monitoring)',
      senders > 0,
      `ALTER SYSTEM SET max_wal_senders = 10;${restart}`,
    ),
    setting(
      'max_replication_slots',
      'max_replication_slots above 0 (replication monitoring)',
      slots > 0,
      `ALTER SYSTEM SET max_replication_slots = 10;${restart}`,
    ),
    check(
      'sequences_readable',
      `Sequences readable in database ${dbname} (sequence exhaustion)`,
      f.sequences_unreadable === 0 || f.sequence_helper,
      f.sequences_unreadable === 0
        ? `${f.sequences} sequence(s), all readable`
        : f.sequence_helper
          ? `${f.sequences} sequence(s), ${f.sequences_unreadable} read through ${SEQUENCE_HELPER}`
          : `${f.sequences_unreadable} of ${f.sequences} sequence(s) not readable by ${f.user}: their use is reported as unavailable`,
      helperFix(f.user, dbname, sequenceGrantSql(f.user, f.sequence_schemas_unreadable)),
      'warning',
    ),
    check(
      'statistics_readable',
      `Planner statistics readable in database ${dbname} (bloat estimates)`,
      f.tables_stats_hidden === 0 || f.stats_helper,
      f.tables_stats_hidden === 0
        ? `${f.tables} table(s), statistics of all readable`
        : f.stats_helper
          ? `${f.tables} table(s), ${f.tables_stats_hidden} read through ${STATS_HELPER}`
          : `pg_stats hides the statistics of ${f.tables_stats_hidden} of ${f.tables} table(s) from ${f.user}: no bloat estimate for them`,
      helperFix(
        f.user,
        dbname,
        `GRANT pg_read_all_data TO ${quoteIdent(f.user)};\n-- or, per schema: GRANT SELECT ON ALL TABLES IN SCHEMA <schema> TO ${quoteIdent(f.user)};`,
      ),
      'warning',
    ),
    check(
      'hba_rules_readable',
      'pg_hba_file_rules readable (pg_hba.conf snapshot)',
      f.hba_readable || f.superuser,
      f.hba_readable || f.superuser
        ? 'readable'
        : 'superusers only by default; pg_monitor does not include it',
      PRIVILEGE_CHECKS.pg_hba_file_rules.fix(f.user).replace('; ', ';\n'),
      'warning',
    ),
    check(
      'system_stats',
      'system_stats extension (optional OS metrics)',
      !!f.system_stats_version,
      f.system_stats_version
        ? `version ${f.system_stats_version}`
        : f.system_stats_available
          ? 'available but not created; OS metrics will be unavailable'
          : 'not installed on the server; OS metrics will be unavailable',
      systemStatsFix,
      'warning',
    ),
    queryExtensionsCheck(f.query_extensions, preloadList, f.preload === null, dbname),
  ];
}

/** One warning for the optional query extensions: each one's state, and the SQL for the rest. */
function queryExtensionsCheck(
  facts: readonly QueryExtensionFact[],
  preloadList: readonly string[],
  preloadHidden: boolean,
  dbname: string,
): PrerequisiteCheck {
  const state = (e: QueryExtensionFact) =>
    !e.available && !e.version
      ? 'not installed on the server'
      : !e.loaded
        ? 'not in shared_preload_libraries'
        : e.version
          ? `version ${e.version}`
          : 'available, not created';
  const missing = facts.filter((e) => !e.version || !e.loaded);
  const unloaded = missing.filter((e) => !e.loaded).map((e) => e.name);
  const packages = missing.filter((e) => !e.available && !e.version).map((e) => e.name);
  const list = [...(preloadHidden ? ['<current list>'] : preloadList), ...unloaded];
  const fix = [
    ...(packages.length
      ? [
          `-- install the server packages first (Debian: postgresql-<major>-${packages.map((p) => p.replace(/_/g, '-')).join(', -')})`,
        ]
      : []),
    ...(unloaded.length
      ? [
          `ALTER SYSTEM SET shared_preload_libraries = ${quoteLiteral(list.join(', '))};\n-- then restart the server`,
        ]
      : []),
    ...(missing.some((e) => !e.version)
      ? [
          `-- in database ${quoteIdent(dbname)}, as a superuser:`,
          ...missing.filter((e) => !e.version).map((e) => `CREATE EXTENSION ${e.name};`),
        ]
      : []),
  ].join('\n');
  return check(
    'query_extensions',
    'Query extensions (optional: CPU, waits, predicates, hypothetical indexes)',
    missing.length === 0,
    facts.map((e) => `${e.name}: ${state(e)}`).join('; '),
    fix,
    'warning',
  );
}

/** Reads what pgvigil needs from a connected server and reports each prerequisite. */
export async function checkPrerequisites(
  client: pg.Client,
  versionNum: number,
  dbname: string,
): Promise<PrerequisiteCheck[]> {
  const result = await client.query<Facts>(FACTS_SQL);
  const facts = result.rows[0];
  if (!facts) throw new Error('current_user has no pg_roles row');
  const log = await client.query<LogAccessFacts>(LOG_ACCESS_SQL);
  return [...evaluatePrerequisites(facts, versionNum, dbname), logCheck(log.rows[0]!)];
}

/** Log insights: the server log listed, readable and in a format pgvigil parses. */
export function logCheck(facts: LogAccessFacts): PrerequisiteCheck {
  const access = decideLogAccess(facts);
  return check(
    'server_log_readable',
    'server log readable (optional log insights)',
    access.ok,
    access.ok ? `${access.format} files in ${access.directory}` : access.reason,
    access.ok ? '' : access.fix,
    'warning',
  );
}
