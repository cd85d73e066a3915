// What the readiness checks look at, read from one database of a monitored server
// (gather.ts) or built by hand in tests. Sizes and row counts are the planner's
// estimates (relpages, reltuples): reading them takes no lock on any table.

export interface TableFact {
  schema: string;
  name: string;
  /** r: table, p: partitioned table (no rows of its own) */
  kind: 'r' | 'p';
  /** p: permanent, u: unlogged, t: temporary */
  persistence: 'p' | 'u' | 't';
  /** d: default (the primary key), n: nothing, f: full, i: an index */
  replicaIdentity: 'd' | 'n' | 'f' | 'i';
  hasPrimaryKey: boolean;
  /** a unique, immediate, non-partial index on NOT NULL columns: a usable replica identity */
  candidateIndex: string | null;
  heapBytes: number;
  toastBytes: number;
  indexBytes: number;
  /** null: never analyzed */
  rows: number | null;
  publications: string[];
}

export interface ColumnFact {
  schema: string;
  table: string;
  column: string;
  type: string;
  /** '': ordinary, s: stored generated, v: virtual generated (18) */
  generated: '' | 's' | 'v';
  /** '': none, a: ALWAYS, d: BY DEFAULT */
  identity: '' | 'a' | 'd';
  /** the extension that defines the column's type (or its element type), if any */
  typeExtension: string | null;
  /** a reg* or tid/xid/cid type: values that mean something on this server only */
  serverLocalType: boolean;
}

/** A column that can be TOASTed, in a table whose TOAST data is big. */
export interface ToastColumnFact {
  schema: string;
  table: string;
  column: string;
  type: string;
  /** the table's TOAST data */
  toastBytes: number;
}

export interface SequenceFact {
  schema: string;
  name: string;
  /** null: never called, or the role may not read it */
  lastValue: number | null;
  dataType: string;
}

export interface TriggerFact {
  schema: string;
  table: string;
  name: string;
  /** O: origin and local, D: disabled, R: replica only, A: always */
  enabled: 'O' | 'D' | 'R' | 'A';
  function: string;
}

export interface EventTriggerFact {
  name: string;
  event: string;
  enabled: 'O' | 'D' | 'R' | 'A';
}

export interface PublicationFact {
  name: string;
  allTables: boolean;
  /** the operations it publishes */
  actions: string[];
  tables: number;
  /** 18+: whether stored generated columns are published; null before 18 */
  generatedColumns: boolean | null;
}

export interface SlotFact {
  name: string;
  type: 'physical' | 'logical';
  plugin: string | null;
  database: string | null;
  active: boolean;
  temporary: boolean;
  walStatus: string | null;
  /** WAL the slot holds back, in bytes */
  lagBytes: number | null;
  /** 17+: since when it has been inactive */
  inactiveSince: Date | null;
}

export interface RoleFact {
  name: string;
  superuser: boolean;
  replication: boolean;
  canLogin: boolean;
  /** member of pg_monitor (or superuser) */
  monitor: boolean;
}

export interface ReadinessFacts {
  serverVersion: number;
  database: string;
  inRecovery: boolean;
  /** pg_settings values as text, by name */
  settings: Record<string, string>;
  slotsUsed: number;
  sendersUsed: number;
  largeObjects: number;
  currentRole: RoleFact;
  /** the named replication role: undefined when none was named, null when it does not exist */
  replicationRole: RoleFact | null | undefined;
  /** every role with REPLICATION (or superuser) that can log in */
  replicationRoles: RoleFact[];
  publications: PublicationFact[];
  tables: TableFact[];
  columns: ColumnFact[];
  toastColumns: ToastColumnFact[];
  sequences: SequenceFact[];
  triggers: TriggerFact[];
  eventTriggers: EventTriggerFact[];
  extensions: { name: string; version: string }[];
  slots: SlotFact[];
  /** schema changes pgvigil saw recently in this database (null: not known) */
  recentDdl: { at: Date; schema: string; name: string; kind: string; change: string }[] | null;
}
