/**
 * The probe contract. A probe is data: what it reads, from which server versions,
 * into which typed columns. Its `columns` list is the only column list there is:
 * the datastore table `metrics.<name>`, the COPY into it and the charts derive from
 * it (through the MetricSpec it extends).
 */
import type { MetricSpec } from '@pgvigil/schema';
import type { ProbePrivilege } from './privileges';
export {
  COLUMN_TYPES,
  METRIC_SCOPES as PROBE_SCOPES,
  type ColumnType,
  type MetricColumn as ColumnDef,
  type MetricScope as ProbeScope,
} from '@pgvigil/schema';

export interface VersionedSql {
  /** lowest server_version_num this SQL works on, e.g. 170000 */
  minVersion: number;
  /** for extension views: lowest installed extension version, e.g. '1.11' */
  minExtensionVersion?: string;
  /** used instead of the plain variant of the same version when the role has this (a helper) */
  whenHas?: ProbePrivilege;
  /**
   * Plain SELECT returning exactly the probe's columns, in any order. A column the
   * server does not have yet is a typed NULL (`NULL::bigint AS x`). `$1` is the
   * probe's object cap (top N) when the probe has one.
   */
  sql: string;
}

export interface ProbeDefinition extends MetricSpec {
  title: string;
  description: string;
  /** the catalog views and functions it reads, for docs/probes.md */
  sources: readonly string[];
  /** lowest server_version_num the probe runs on at all */
  minServerVersion: number;
  /** what the role needs beyond a login (all included in pg_monitor except pg_hba_file_rules), else "unavailable" */
  needs?: readonly ProbePrivilege[];
  /** extension that must be installed (in the database the probe runs in), else "unavailable" */
  requiresExtension?: string;
  /**
   * The extension's library must be in shared_preload_libraries: created but not loaded, its
   * functions fail (with XX000, not a SQLSTATE of their own), which the runner then reports as
   * unavailable with the fix. The library defines settings named `<extension>.*` once loaded.
   */
  preloaded?: boolean;
  /** SQL per version range: the entry with the highest minVersion that fits wins */
  sql: readonly VersionedSql[];
  /** per-probe statement_timeout; default 5 s */
  timeoutMs?: number;
  /** object cap passed as $1 (tables, indexes...): the top N plus one "others" row */
  topN?: number;
  /**
   * 'delta': the server's counters are kept in memory between runs and only rows
   * whose counters moved are stored, as the difference (pg_stat_statements).
   */
  mode?: 'sample' | 'delta';
  /** delta probes: keep the N rows with the largest `rankBy` delta per run, plus one "(others)" row */
  deltaTopN?: number;
  rankBy?: string;
  /** runner fills this column with the round-trip time in ms (connectivity) */
  roundTripColumn?: string;
  /** version differences worth knowing, for docs/probes.md */
  notes?: string;
  /**
   * Values that need a lock on each object (a sequence's last_value). The SQL then lists the
   * objects without locking them (its columns are the listing's, not the probe's), and this
   * reads the rest through `reader`, at most `reader.batchSize` objects per transaction, and
   * returns the probe's rows plus what it could not read, with the reason and the fix.
   */
  readLocked?: (
    listed: Record<string, unknown>[],
    reader: LockedReader,
    topN: number,
  ) => Promise<{ rows: Record<string, unknown>[]; notes: string[] }>;
}

/** Reads that lock what they read: each one a short read-only transaction of its own. */
export interface LockedReader {
  /** most objects one read may lock: within the relation lock budget, with room for catalogs */
  readonly batchSize: number;
  /** the lock_timeout each read runs with, for messages */
  readonly lockTimeoutMs: number;
  /** rows, or 'locked' when an object stayed locked past lock_timeout; other errors throw */
  read(sql: string, values?: unknown[]): Promise<Record<string, unknown>[] | 'locked'>;
}

/**
 * The most relation locks one probe transaction may hold at once. PostgreSQL's shared lock
 * table holds max_locks_per_transaction (default 64) x max_connections entries for all
 * sessions together, so a monitor that locks every relation of a big schema in one
 * transaction can make the server's own sessions fail with "out of shared memory".
 */
export const RELATION_LOCK_BUDGET = 100;

/** Default lock_timeout of a probe: waiting longer than this on DDL skips instead. */
export const DEFAULT_LOCK_TIMEOUT_MS = 100;

/** What one run of a probe produced: always a value, never a thrown error. */
export type ProbeResult =
  | {
      probe: string;
      status: 'ok';
      rows: Record<string, unknown>[];
      ms: number;
      /** what was left out and why (objects skipped under DDL, not readable with this role) */
      notes?: string[];
    }
  | { probe: string; status: 'unavailable'; reason: string; ms: number }
  | {
      probe: string;
      status: 'failed';
      reason: string;
      sqlState?: string;
      /** the session is gone (server stopped, network cut): reconnect before the next probe */
      connectionLost?: boolean;
      ms: number;
    };

export const PROBE_STATUSES = ['ok', 'unavailable', 'failed'] as const;
export type ProbeStatus = (typeof PROBE_STATUSES)[number];
