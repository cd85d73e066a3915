import type pg from 'pg';

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
       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'system_stats') AS system_stats_available
  FROM pg_roles r WHERE r.rolname = current_user`;

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
  return [
    {
      key: 'server_version',
      title: 'Server version 14 or later',
      status: versionNum >= MIN_SERVER_VERSION_NUM ? 'ok' : 'missing',
      detail: `server_version_num = ${versionNum}`,
      ...(versionNum >= MIN_SERVER_VERSION_NUM
        ? {}
        : { fix: 'Upgrade the server to PostgreSQL 14 or later.' }),
    },
    {
      key: 'pg_monitor',
      title: 'Role is a member of pg_monitor',
      status: f.monitor || f.superuser ? 'ok' : 'missing',
      detail: f.superuser
        ? `${f.user} is a superuser`
        : f.monitor
          ? `${f.user} is a member of pg_monitor`
          : `${f.user} is not a member of pg_monitor`,
      ...(f.monitor || f.superuser ? {} : { fix: `GRANT pg_monitor TO ${quoteIdent(f.user)};` }),
    },
    {
      key: 'pg_stat_statements_preloaded',
      title: 'pg_stat_statements in shared_preload_libraries',
      status: preloaded ? 'ok' : 'missing',
      detail:
        f.preload === null
          ? `pg_stat_statements is ${preloaded ? '' : 'not '}loaded`
          : `shared_preload_libraries = '${f.preload}'`,
      ...(preloaded
        ? {}
        : {
            fix: `ALTER SYSTEM SET shared_preload_libraries = ${quoteLiteral(newList.join(', '))};\n-- then restart the server`,
          }),
    },
    {
      key: 'pg_stat_statements_created',
      title: `pg_stat_statements created in database ${dbname}`,
      status: f.pss_version ? 'ok' : 'missing',
      detail: f.pss_version ? `version ${f.pss_version}` : 'extension not created',
      ...(f.pss_version
        ? {}
        : {
            fix: `-- in database ${quoteIdent(dbname)}, as a superuser:\nCREATE EXTENSION pg_stat_statements;`,
          }),
    },
    {
      key: 'track_io_timing',
      title: 'track_io_timing on (I/O time per query and table)',
      status: f.track_io_timing === 'on' ? 'ok' : 'warning',
      detail: `track_io_timing = ${f.track_io_timing}`,
      ...(f.track_io_timing === 'on'
        ? {}
        : { fix: 'ALTER SYSTEM SET track_io_timing = on;\nSELECT pg_reload_conf();' }),
    },
    {
      key: 'track_functions',
      title: 'track_functions pl or all (function statistics)',
      status: f.track_functions === 'none' ? 'warning' : 'ok',
      detail: `track_functions = ${f.track_functions}`,
      ...(f.track_functions === 'none'
        ? { fix: "ALTER SYSTEM SET track_functions = 'pl';\nSELECT pg_reload_conf();" }
        : {}),
    },
    {
      key: 'wal_level',
      title: 'wal_level replica or logical (replication monitoring)',
      status: f.wal_level === 'minimal' ? 'warning' : 'ok',
      detail: `wal_level = ${f.wal_level}`,
      ...(f.wal_level === 'minimal'
        ? { fix: "ALTER SYSTEM SET wal_level = 'replica';\n-- then restart the server" }
        : {}),
    },
    {
      key: 'max_wal_senders',
      title: 'max_wal_senders above 0 (replication monitoring)',
      status: senders > 0 ? 'ok' : 'warning',
      detail: `max_wal_senders = ${f.max_wal_senders}`,
      ...(senders > 0
        ? {}
        : { fix: 'ALTER SYSTEM SET max_wal_senders = 10;\n-- then restart the server' }),
    },
    {
      key: 'max_replication_slots',
      title: 'max_replication_slots above 0 (replication monitoring)',
      status: slots > 0 ? 'ok' : 'warning',
      detail: `max_replication_slots = ${f.max_replication_slots}`,
      ...(slots > 0
        ? {}
        : { fix: 'ALTER SYSTEM SET max_replication_slots = 10;\n-- then restart the server' }),
    },
    {
      key: 'system_stats',
      title: 'system_stats extension (optional OS metrics)',
      status: f.system_stats_version ? 'ok' : 'warning',
      detail: f.system_stats_version
        ? `version ${f.system_stats_version}`
        : f.system_stats_available
          ? 'available but not created; OS metrics will be unavailable'
          : 'not installed on the server; OS metrics will be unavailable',
      ...(f.system_stats_version ? {} : { fix: systemStatsFix }),
    },
  ];
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
  return evaluatePrerequisites(facts, versionNum, dbname);
}
