// Source against target: pure, over two schema snapshots (and exact counts when asked).
import type { CompareKind } from '@pgvigil/schema';
import type { SchemaSnapshot } from './schema-snapshot';

export interface SchemaDifference {
  kind: CompareKind;
  name: string;
  /** what the source has (a type, a definition, a version), null when it lacks the object */
  source: string | null;
  target: string | null;
}

export interface RowComparison {
  table: string;
  sourceEstimate: number | null;
  targetEstimate: number | null;
  /** exact counts, when asked for; null when the count ran out of time */
  sourceExact?: number | null;
  targetExact?: number | null;
}

export interface SequenceBehind {
  name: string;
  source: number;
  target: number | null;
  /** run on the target */
  fix: string;
}

export interface ReplicationLink {
  subscription: string;
  /** which side subscribes: the other publishes */
  subscriber: 'source' | 'target';
  slot: string;
  enabled: boolean;
  slotActive: boolean;
  /** WAL the publisher has that the subscriber has not confirmed */
  lagBytes: number | null;
  replayLagSeconds: number | null;
}

export interface Comparison {
  differences: SchemaDifference[];
  rows: RowComparison[];
  sequencesBehind: SequenceBehind[];
  replication: ReplicationLink[];
}

function diffKeyed<T>(
  kind: CompareKind,
  source: readonly T[],
  target: readonly T[],
  key: (x: T) => string,
  value: (x: T) => string,
): SchemaDifference[] {
  const s = new Map(source.map((x) => [key(x), value(x)]));
  const t = new Map(target.map((x) => [key(x), value(x)]));
  return [...new Set([...s.keys(), ...t.keys()])]
    .sort()
    .filter((k) => s.get(k) !== t.get(k))
    .map((name) => ({ kind, name, source: s.get(name) ?? null, target: t.get(name) ?? null }));
}

function links(
  subscriber: SchemaSnapshot,
  publisher: SchemaSnapshot,
  side: ReplicationLink['subscriber'],
): ReplicationLink[] {
  return subscriber.subscriptions.flatMap((sub) => {
    const slot = publisher.slots.find((s) => s.name === sub.slot);
    if (!slot) return [];
    const sender = publisher.senders.find((s) => s.applicationName === sub.name);
    return [
      {
        subscription: sub.name,
        subscriber: side,
        slot: slot.name,
        enabled: sub.enabled,
        slotActive: slot.active,
        lagBytes: slot.lagBytes,
        replayLagSeconds: sender?.replayLagSeconds ?? null,
      },
    ];
  });
}

const seqLiteral = (name: string) => `'${name.replace(/'/g, "''")}'`;

export function compareSnapshots(
  source: SchemaSnapshot,
  target: SchemaSnapshot,
  exact?: { source: Map<string, number | null>; target: Map<string, number | null> },
): Comparison {
  const tableNames = new Set(target.tables.map((t) => t.name));
  // columns, indexes and constraints of tables missing on one side are the table's difference
  const common = <T extends { table: string }>(xs: readonly T[], other: SchemaSnapshot) =>
    xs.filter((x) => other.tables.some((t) => t.name === x.table));
  const differences = [
    ...diffKeyed(
      'table',
      source.tables,
      target.tables,
      (t) => t.name,
      () => 'table',
    ),
    ...diffKeyed(
      'column',
      common(source.columns, target),
      common(target.columns, source),
      (c) => `${c.table}.${c.name}`,
      (c) => `${c.type}${c.notNull ? ' NOT NULL' : ''}`,
    ),
    ...diffKeyed(
      'index',
      common(source.indexes, target),
      common(target.indexes, source),
      (i) => `${i.table} ${i.name}`,
      (i) => i.definition,
    ),
    ...diffKeyed(
      'constraint',
      common(source.constraints, target),
      common(target.constraints, source),
      (c) => `${c.table} ${c.name}`,
      (c) => c.definition,
    ),
    ...diffKeyed(
      'sequence',
      source.sequences,
      target.sequences,
      (s) => s.name,
      (s) => s.type,
    ),
    ...diffKeyed(
      'extension',
      source.extensions,
      target.extensions,
      (e) => e.name,
      (e) => e.version,
    ),
  ];
  const targetRows = new Map(target.tables.map((t) => [t.name, t.rows]));
  const rows: RowComparison[] = [
    ...source.tables.map((t) => t.name),
    ...target.tables
      .filter((t) => !source.tables.some((s) => s.name === t.name))
      .map((t) => t.name),
  ].map((table) => ({
    table,
    sourceEstimate: source.tables.find((t) => t.name === table)?.rows ?? null,
    targetEstimate: tableNames.has(table) ? (targetRows.get(table) ?? null) : null,
    ...(exact
      ? {
          sourceExact: exact.source.get(table) ?? null,
          targetExact: exact.target.get(table) ?? null,
        }
      : {}),
  }));
  const targetSeq = new Map(target.sequences.map((s) => [s.name, s.lastValue]));
  const sequencesBehind = source.sequences.flatMap((s) => {
    if (s.lastValue === null || !targetSeq.has(s.name)) return [];
    const t = targetSeq.get(s.name) ?? null;
    if (t !== null && t >= s.lastValue) return [];
    return [
      {
        name: s.name,
        source: s.lastValue,
        target: t,
        fix: `SELECT setval(${seqLiteral(s.name)}, ${s.lastValue});`,
      },
    ];
  });
  return {
    differences,
    rows,
    sequencesBehind,
    replication: [...links(target, source, 'target'), ...links(source, target, 'source')],
  };
}
