// Reads the readiness facts of the session's database: catalog and statistics views
// only, so no table is locked (sizes come from relpages, rows from reltuples). Each
// query runs in one read-only transaction with the caller's statement and lock timeouts.
import type { ProbeClient } from '../run-probe';
import type {
  ColumnFact,
  EventTriggerFact,
  PublicationFact,
  ReadinessFacts,
  RoleFact,
  SequenceFact,
  SlotFact,
  TableFact,
  TriggerFact,
  ToastColumnFact,
} from './facts';

export const READINESS_SETTINGS = [
  'wal_level',
  'max_replication_slots',
  'max_wal_senders',
  'max_logical_replication_workers',
  'max_worker_processes',
  'max_sync_workers_per_subscription',
  'wal_sender_timeout',
  'block_size',
] as const;

/** Schemas of the user's objects: not the catalogs, not TOAST. */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`;
/** Not created by an extension (its objects come with the extension). */
const NOT_EXTENSION_OWNED = (cls: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${cls}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

const ROLE_COLUMNS = `rolname AS name, rolsuper AS superuser, rolreplication AS replication,
  rolcanlogin AS can_login, rolsuper OR pg_has_role(oid, 'pg_monitor', 'MEMBER') AS monitor`;

const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       c.relpersistence::text AS persistence, c.relreplident::text AS replica_identity,
       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk,
       (SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
         WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid AND i.indimmediate
           AND i.indpred IS NULL AND i.indexprs IS NULL
           AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                            WHERE a.attrelid = c.oid AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull)
         ORDER BY i.indisprimary DESC, i.indnatts, ic.relname LIMIT 1) AS candidate_index,
       c.relpages::bigint * $1 AS heap_bytes,
       coalesce(t.relpages, 0)::bigint * $1 AS toast_bytes,
       (SELECT coalesce(sum(ic.relpages), 0) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
         WHERE i.indrelid = c.oid)::bigint * $1 AS index_bytes,
       CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS rows
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
 WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMA} AND ${NOT_EXTENSION_OWNED('pg_class', 'c.oid')}
 ORDER BY 1, 2`;

const COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
       format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated::text AS generated,
       a.attidentity::text AS identity, e.extname AS type_extension,
       (bt.typnamespace = 'pg_catalog'::regnamespace
        AND (bt.typname LIKE 'reg%' OR bt.typname IN ('tid', 'xid', 'xid8', 'cid'))) AS server_local
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type ty ON ty.oid = a.atttypid
  JOIN pg_type bt ON bt.oid = CASE WHEN ty.typelem <> 0 AND ty.typlen = -1 THEN ty.typelem ELSE ty.oid END
  LEFT JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = bt.oid AND d.deptype = 'e'
  LEFT JOIN pg_extension e ON e.oid = d.refobjid
 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND ${USER_SCHEMA}
   AND ${NOT_EXTENSION_OWNED('pg_class', 'c.oid')}
   AND (a.attgenerated <> '' OR a.attidentity <> '' OR e.extname IS NOT NULL
        OR (bt.typnamespace = 'pg_catalog'::regnamespace
            AND (bt.typname LIKE 'reg%' OR bt.typname IN ('tid', 'xid', 'xid8', 'cid'))))
 ORDER BY 1, 2, a.attnum`;

/** Columns that can be TOASTed (not PLAIN storage), of tables whose TOAST data is big. */
const TOAST_COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
       format_type(a.atttypid, a.atttypmod) AS type, t.relpages::bigint * $1 AS toast_bytes
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class t ON t.oid = c.reltoastrelid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage <> 'p'
 WHERE c.relkind = 'r' AND t.relpages::bigint * $1 >= $2 AND ${USER_SCHEMA}
 ORDER BY t.relpages DESC, 1, 2, a.attnum LIMIT 200`;

const SEQUENCES_SQL = `
SELECT schemaname AS schema, sequencename AS name, last_value::text AS last_value,
       data_type::text AS data_type
  FROM pg_sequences
 WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1, 2`;

const TRIGGERS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name, t.tgenabled::text AS enabled,
       p.oid::regproc::text AS function
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE NOT t.tgisinternal AND ${USER_SCHEMA} AND ${NOT_EXTENSION_OWNED('pg_class', 'c.oid')}
 ORDER BY 1, 2, 3`;

const PUBLICATIONS_SQL = (v: number) => `
SELECT p.pubname AS name, p.puballtables AS all_tables,
       array_remove(ARRAY[CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
                          CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END],
                    NULL) AS actions,
       (SELECT count(*) FROM pg_publication_tables pt WHERE pt.pubname = p.pubname)::int AS tables,
       ${v >= 180000 ? `p.pubgencols::text = 's'` : 'NULL::boolean'} AS generated_columns
  FROM pg_publication p ORDER BY 1`;

const SLOTS_SQL = (v: number) => `
SELECT slot_name AS name, slot_type AS type, plugin, database, active, temporary, wal_status,
       pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
                       coalesce(confirmed_flush_lsn, restart_lsn))::bigint AS lag_bytes,
       ${v >= 170000 ? 'inactive_since' : 'NULL::timestamptz'} AS inactive_since
  FROM pg_replication_slots ORDER BY 1`;

const SERVER_SQL = `
SELECT pg_is_in_recovery() AS in_recovery,
       (SELECT count(*) FROM pg_replication_slots)::int AS slots_used,
       (SELECT count(*) FROM pg_stat_replication)::int AS senders_used,
       (SELECT count(*) FROM pg_largeobject_metadata)::bigint AS large_objects`;

/** TOAST data from which a table's initial copy and decoding memory deserve a look. */
export const TOAST_HEAVY_BYTES = 1024 ** 3;

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string => String(v);

function role(r: Record<string, unknown>): RoleFact {
  return {
    name: str(r.name),
    superuser: r.superuser === true,
    replication: r.replication === true,
    canLogin: r.can_login === true,
    monitor: r.monitor === true,
  };
}

export interface GatherOptions {
  serverVersion: number;
  /** the replication role to check, if one was named */
  replicationRole?: string;
}

/** Every readiness fact of the session's database except `recentDdl` (pgvigil's own history). */
export async function gatherReadinessFacts(
  client: ProbeClient,
  options: GatherOptions,
): Promise<Omit<ReadinessFacts, 'recentDdl'>> {
  const v = options.serverVersion;
  const q = async (sql: string, values: unknown[] = []) =>
    (await client.query(`/* pgvigil:readiness */ ${sql}`, values)).rows;
  const settingRows = await q(`SELECT name, setting FROM pg_settings WHERE name = ANY ($1)`, [
    [...READINESS_SETTINGS],
  ]);
  const settings = Object.fromEntries(settingRows.map((r) => [str(r.name), str(r.setting)]));
  const blockSize = Number(settings.block_size ?? 8192);
  const server = (await q(SERVER_SQL))[0] ?? {};
  const current = (await q(`SELECT ${ROLE_COLUMNS} FROM pg_roles WHERE rolname = current_user`))[0];
  const named =
    options.replicationRole === undefined
      ? undefined
      : ((
          await q(`SELECT ${ROLE_COLUMNS} FROM pg_roles WHERE rolname = $1`, [
            options.replicationRole,
          ])
        )[0] ?? null);
  const replicationRoles = await q(
    `SELECT ${ROLE_COLUMNS} FROM pg_roles WHERE (rolreplication OR rolsuper) AND rolcanlogin ORDER BY 1`,
  );
  const covered = await q(`SELECT pubname, schemaname, tablename FROM pg_publication_tables`);
  const byTable = new Map<string, string[]>();
  for (const r of covered) {
    const key = `${str(r.schemaname)}.${str(r.tablename)}`;
    byTable.set(key, [...(byTable.get(key) ?? []), str(r.pubname)].sort());
  }
  const tables: TableFact[] = (await q(TABLES_SQL, [blockSize])).map((r) => ({
    schema: str(r.schema),
    name: str(r.name),
    kind: r.kind === 'p' ? 'p' : 'r',
    persistence: str(r.persistence) as TableFact['persistence'],
    replicaIdentity: str(r.replica_identity) as TableFact['replicaIdentity'],
    hasPrimaryKey: r.has_pk === true,
    candidateIndex: r.candidate_index === null ? null : str(r.candidate_index),
    heapBytes: num(r.heap_bytes),
    toastBytes: num(r.toast_bytes),
    indexBytes: num(r.index_bytes),
    rows: numOrNull(r.rows),
    publications: byTable.get(`${str(r.schema)}.${str(r.name)}`) ?? [],
  }));
  const columns: ColumnFact[] = (await q(COLUMNS_SQL)).map((r) => ({
    schema: str(r.schema),
    table: str(r.table),
    column: str(r.column),
    type: str(r.type),
    generated: str(r.generated) as ColumnFact['generated'],
    identity: str(r.identity) as ColumnFact['identity'],
    typeExtension: r.type_extension === null ? null : str(r.type_extension),
    serverLocalType: r.server_local === true,
  }));
  const toastColumns: ToastColumnFact[] = (
    await q(TOAST_COLUMNS_SQL, [blockSize, TOAST_HEAVY_BYTES])
  ).map((r) => ({
    schema: str(r.schema),
    table: str(r.table),
    column: str(r.column),
    type: str(r.type),
    toastBytes: num(r.toast_bytes),
  }));
  const sequences: SequenceFact[] = (await q(SEQUENCES_SQL)).map((r) => ({
    schema: str(r.schema),
    name: str(r.name),
    lastValue: numOrNull(r.last_value),
    dataType: str(r.data_type),
  }));
  const triggers: TriggerFact[] = (await q(TRIGGERS_SQL)).map((r) => ({
    schema: str(r.schema),
    table: str(r.table),
    name: str(r.name),
    enabled: str(r.enabled) as TriggerFact['enabled'],
    function: str(r.function),
  }));
  const eventTriggers: EventTriggerFact[] = (
    await q(
      `SELECT evtname AS name, evtevent AS event, evtenabled::text AS enabled FROM pg_event_trigger ORDER BY 1`,
    )
  ).map((r) => ({
    name: str(r.name),
    event: str(r.event),
    enabled: str(r.enabled) as EventTriggerFact['enabled'],
  }));
  const publications: PublicationFact[] = (await q(PUBLICATIONS_SQL(v))).map((r) => ({
    name: str(r.name),
    allTables: r.all_tables === true,
    actions: (r.actions as string[]).map(str),
    tables: num(r.tables),
    generatedColumns: typeof r.generated_columns === 'boolean' ? r.generated_columns : null,
  }));
  const extensions = (await q(`SELECT extname, extversion FROM pg_extension ORDER BY 1`)).map(
    (r) => ({ name: str(r.extname), version: str(r.extversion) }),
  );
  const slots: SlotFact[] = (await q(SLOTS_SQL(v))).map((r) => ({
    name: str(r.name),
    type: r.type === 'logical' ? 'logical' : 'physical',
    plugin: r.plugin === null ? null : str(r.plugin),
    database: r.database === null ? null : str(r.database),
    active: r.active === true,
    temporary: r.temporary === true,
    walStatus: r.wal_status === null ? null : str(r.wal_status),
    lagBytes: numOrNull(r.lag_bytes),
    inactiveSince: r.inactive_since instanceof Date ? r.inactive_since : null,
  }));
  const database = str((await q(`SELECT current_database() AS db`))[0]?.db);
  return {
    serverVersion: v,
    database,
    inRecovery: server.in_recovery === true,
    settings,
    slotsUsed: num(server.slots_used),
    sendersUsed: num(server.senders_used),
    largeObjects: num(server.large_objects),
    currentRole: role(current ?? {}),
    replicationRole: named === undefined ? undefined : named === null ? null : role(named),
    replicationRoles: replicationRoles.map(role),
    publications,
    tables,
    columns,
    toastColumns,
    sequences,
    triggers,
    eventTriggers,
    extensions,
    slots,
  };
}
