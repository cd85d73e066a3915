/**
 * The probe contract. A probe is data: what it reads, from which server versions,
 * into which typed columns. Its `columns` list is the only column list there is:
 * the datastore table `metrics.<name>`, the COPY into it and the charts derive from it.
 */
export const PROBE_SCOPES = ['instance', 'database'] as const;
export type ProbeScope = (typeof PROBE_SCOPES)[number];

/** Column types, as stored in the datastore. */
export const COLUMN_TYPES = [
  'int',
  'bigint',
  'double',
  'text',
  'boolean',
  'timestamptz',
  'jsonb',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** cumulative counter: stored raw, shown and alerted on as a per-second rate */
  counter?: boolean;
  /** part of the row's identity within one sample (datname, relid, queryid...) */
  key?: boolean;
  unit?: 'bytes' | 'ms' | 'seconds' | 'percent' | 'count' | 'xid' | 'lsn';
  description?: string;
}

export interface VersionedSql {
  /** lowest server_version_num this SQL works on, e.g. 170000 */
  minVersion: number;
  sql: string;
}

export interface ProbeDefinition {
  /** snake_case; also the table name in schema `metrics` */
  name: string;
  title: string;
  description: string;
  scope: ProbeScope;
  intervalSeconds: number;
  retentionDays: number;
  /** stored only when the result differs from the previous one */
  changeTracked: boolean;
  /** lowest server_version_num the probe runs on at all */
  minServerVersion: number;
  /** extension that must exist in the database, else the probe is "unavailable" */
  requiresExtension?: string;
  columns: readonly ColumnDef[];
  /** newest first is not required: the highest minVersion <= server version wins */
  sql: readonly VersionedSql[];
}
