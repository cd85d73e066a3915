/**
 * The probe contract. A probe is data: what it reads, from which server versions,
 * into which typed columns. Its `columns` list is the only column list there is:
 * the datastore table `metrics.<name>`, the COPY into it and the charts derive from
 * it (through the MetricSpec it extends).
 */
import type { MetricSpec } from '@pgvigil/schema';
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
  /** extension that must be installed (in the database the probe runs in), else "unavailable" */
  requiresExtension?: string;
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
}

/** What one run of a probe produced: always a value, never a thrown error. */
export type ProbeResult =
  | { probe: string; status: 'ok'; rows: Record<string, unknown>[]; ms: number }
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
