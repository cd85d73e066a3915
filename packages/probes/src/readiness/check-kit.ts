// What every readiness check shares: its answer's shape, the thresholds, and the
// helpers that quote names and shorten lists.
import type {
  ReadinessCheckKey,
  ReadinessPurpose,
  ReadinessStatus,
  ReadinessVerdict,
} from '@pgvigil/schema';
import type { ReadinessFacts, TableFact } from './facts';

export type ReadinessObject = { name: string } & Record<string, string | number | boolean | null>;

export interface ReadinessCheck {
  key: ReadinessCheckKey;
  title: string;
  status: ReadinessStatus;
  detail: string;
  /** SQL that removes the problem, to review and run */
  fix?: string;
  objects?: ReadinessObject[];
}

export interface ReadinessReport {
  verdict: ReadinessVerdict;
  purpose: ReadinessPurpose;
  database: string;
  serverVersion: number;
  checks: ReadinessCheck[];
}

export interface ReadinessOptions {
  purpose: ReadinessPurpose;
  /** copy rate for the initial-copy estimate, bytes per second */
  copyBytesPerSecond: number;
  /** the clock of the report, for "recent" */
  at: Date;
}

/** From this size a table is "big": REPLICA IDENTITY FULL there costs a scan per change. */
export const BIG_TABLE_BYTES = 1024 ** 3;
/** A slot holding back more WAL than this is lagging. */
export const SLOT_LAG_BYTES = 1024 ** 3;
/** Extra slots and senders a subscription's initial copy uses (one per table-sync worker). */
export const SYNC_HEADROOM = 2;
export const RECENT_DDL_DAYS = 7;
const MAX_OBJECTS = 200;

export type Body = Omit<ReadinessCheck, 'key' | 'title'>;
export type CheckFn = (f: ReadinessFacts, o: ReadinessOptions) => Body;

/** "schema"."name", quoted only where needed. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
export const qname = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
export const totalBytes = (t: TableFact) => t.heapBytes + t.toastBytes + t.indexBytes;
export const list = <T>(items: T[]) => items.slice(0, MAX_OBJECTS);
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Tables that hold rows of their own and are written to WAL. */
export const leafTables = (f: ReadinessFacts) =>
  f.tables.filter((t) => t.kind === 'r' && t.persistence === 'p');
export const ok = (detail: string, objects?: ReadinessObject[]): Body => ({
  status: 'ok',
  detail,
  ...(objects?.length ? { objects } : {}),
});
