import { V14, V16, defineProbe } from './define';

export const connectivity = defineProbe({
  name: 'connectivity',
  title: 'Connectivity',
  description:
    'Up/down and round-trip time of a trivial query. When the server cannot be reached the collector stores up = false with the classified connection error.',
  sources: ['SELECT 1'],
  scope: 'instance',
  intervalSeconds: 30,
  retentionDays: 30,
  roundTripColumn: 'rtt_ms',
  columns: [
    { name: 'up', type: 'boolean' },
    { name: 'rtt_ms', type: 'double', unit: 'ms' },
    { name: 'error_code', type: 'text', description: 'connection error class when down' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: 'SELECT true AS up, NULL::double precision AS rtt_ms, NULL::text AS error_code',
    },
  ],
});

export const serverInfo = defineProbe({
  name: 'server_info',
  title: 'Server identity',
  description:
    'Version, start time, system identifier, recovery state, role and timeline (of the last checkpoint or restartpoint); the replication role in detail (primary, standby, cascading standby) and whether the node publishes (logical slots) or subscribes (subscriptions) by logical replication.',
  sources: [
    'version()',
    'pg_postmaster_start_time()',
    'pg_control_system()',
    'pg_control_checkpoint()',
    'pg_is_in_recovery()',
    'pg_stat_replication',
    'pg_replication_slots',
    'pg_subscription',
  ],
  scope: 'instance',
  intervalSeconds: 300,
  retentionDays: 90,
  columns: [
    { name: 'version', type: 'text' },
    { name: 'version_num', type: 'int' },
    { name: 'start_time', type: 'timestamptz' },
    { name: 'uptime_seconds', type: 'double', unit: 'seconds' },
    { name: 'system_identifier', type: 'text' },
    { name: 'in_recovery', type: 'boolean' },
    { name: 'role', type: 'text', description: 'primary or standby' },
    { name: 'max_connections', type: 'int' },
    { name: 'timeline_id', type: 'bigint', description: 'timeline of the last checkpoint' },
    {
      name: 'replication_role',
      type: 'text',
      description:
        'primary, standby, or cascading standby (a standby that WAL senders stream from)',
    },
    {
      name: 'logical_publisher',
      type: 'boolean',
      description: 'logical replication slots exist: subscribers or decoding clients read from it',
    },
    {
      name: 'logical_subscriber',
      type: 'boolean',
      description: 'subscriptions exist (in any of its databases)',
    },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT version() AS version,
                   (SELECT timeline_id FROM pg_control_checkpoint())::bigint AS timeline_id,
                   current_setting('server_version_num')::int AS version_num,
                   pg_postmaster_start_time() AS start_time,
                   extract(epoch FROM now() - pg_postmaster_start_time())::double precision AS uptime_seconds,
                   (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
                   pg_is_in_recovery() AS in_recovery,
                   CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END AS role,
                   current_setting('max_connections')::int AS max_connections,
                   CASE WHEN NOT pg_is_in_recovery() THEN 'primary'
                        WHEN EXISTS (SELECT 1 FROM pg_stat_replication) THEN 'cascading standby'
                        ELSE 'standby' END AS replication_role,
                   EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_type = 'logical') AS logical_publisher,
                   EXISTS (SELECT subname FROM pg_subscription) AS logical_subscriber`,
    },
  ],
});

export const settings = defineProbe({
  name: 'settings',
  needs: ['pg_read_all_settings'],
  title: 'Settings',
  description:
    'Every server setting with its source and pending_restart; stored only when something changes.',
  sources: ['pg_settings'],
  scope: 'instance',
  intervalSeconds: 600,
  retentionDays: 365,
  changeTracked: true,
  columns: [
    { name: 'name', type: 'text', key: true },
    { name: 'setting', type: 'text' },
    { name: 'unit', type: 'text' },
    { name: 'source', type: 'text' },
    { name: 'pending_restart', type: 'boolean' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT name, setting, unit, source, pending_restart FROM pg_settings ORDER BY name`,
    },
  ],
});

export const hbaRules = defineProbe({
  name: 'hba_rules',
  needs: ['pg_hba_file_rules'],
  title: 'pg_hba.conf rules',
  description:
    'The parsed pg_hba.conf (including lines with errors); stored only when it changes. Readable by superusers only unless granted; otherwise reported unavailable.',
  sources: ['pg_hba_file_rules'],
  scope: 'instance',
  intervalSeconds: 3600,
  retentionDays: 365,
  changeTracked: true,
  notes: 'rule_number and file_name exist from 16.',
  columns: [
    { name: 'line_number', type: 'int', key: true },
    { name: 'file_name', type: 'text' },
    { name: 'rule_number', type: 'int' },
    { name: 'type', type: 'text' },
    { name: 'database', type: 'text' },
    { name: 'user_name', type: 'text' },
    { name: 'address', type: 'text' },
    { name: 'netmask', type: 'text' },
    { name: 'auth_method', type: 'text' },
    { name: 'error', type: 'text' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT line_number, NULL::text AS file_name, NULL::int AS rule_number, type,
                   array_to_string(database, ',') AS database, array_to_string(user_name, ',') AS user_name,
                   address, netmask, auth_method, error
              FROM pg_hba_file_rules ORDER BY line_number`,
    },
    {
      minVersion: V16,
      sql: `SELECT line_number, file_name, rule_number, type,
                   array_to_string(database, ',') AS database, array_to_string(user_name, ',') AS user_name,
                   address, netmask, auth_method, error
              FROM pg_hba_file_rules ORDER BY line_number`,
    },
  ],
});

export const extensions = defineProbe({
  name: 'extensions',
  title: 'Extensions',
  description: 'Installed extensions per database and available updates; stored on change.',
  sources: ['pg_extension', 'pg_available_extensions'],
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 365,
  changeTracked: true,
  columns: [
    { name: 'extname', type: 'text', key: true },
    { name: 'extversion', type: 'text' },
    { name: 'schema', type: 'text' },
    { name: 'default_version', type: 'text' },
  ],
  sql: [
    {
      minVersion: V14,
      sql: `SELECT e.extname::text, e.extversion, n.nspname::text AS schema, a.default_version
              FROM pg_extension e
              JOIN pg_namespace n ON n.oid = e.extnamespace
              LEFT JOIN pg_available_extensions a ON a.name = e.extname
             ORDER BY e.extname`,
    },
  ],
});
