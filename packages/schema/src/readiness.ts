// Readiness for logical replication or a migration: what is asked, what each check
// answers, and the verdict. The checks themselves live in @pgvigil/probes.

/** What the database is being made ready for. */
export const READINESS_PURPOSES = ['logical', 'migration'] as const;
export type ReadinessPurpose = (typeof READINESS_PURPOSES)[number];

export const READINESS_STATUSES = ['ok', 'warning', 'blocker'] as const;
export type ReadinessStatus = (typeof READINESS_STATUSES)[number];

export const READINESS_VERDICTS = ['ready', 'ready_with_warnings', 'blocked'] as const;
export type ReadinessVerdict = (typeof READINESS_VERDICTS)[number];

/** Every check, in the order the report lists them; docs/readiness.md explains each. */
export const READINESS_CHECKS = [
  'server_settings',
  'slot_sender_headroom',
  'monitoring_role',
  'replication_role',
  'publications',
  'replica_identity',
  'replica_identity_full',
  'unlogged_temporary_tables',
  'large_objects',
  'sequences',
  'generated_identity_columns',
  'triggers',
  'recent_ddl',
  'toast_heavy_columns',
  'extensions',
  'column_types',
  'existing_slots',
  'initial_copy',
] as const;
export type ReadinessCheckKey = (typeof READINESS_CHECKS)[number];

/** The verdict of a set of statuses: any blocker blocks, any warning warns. */
export function readinessVerdict(statuses: readonly ReadinessStatus[]): ReadinessVerdict {
  if (statuses.includes('blocker')) return 'blocked';
  if (statuses.includes('warning')) return 'ready_with_warnings';
  return 'ready';
}

/** What the compare of two databases finds differing. */
export const COMPARE_KINDS = [
  'table',
  'column',
  'index',
  'constraint',
  'sequence',
  'extension',
] as const;
export type CompareKind = (typeof COMPARE_KINDS)[number];
