// The readiness checks: pure functions over gathered facts, one per key of
// READINESS_CHECKS (the Record makes a new key fail compilation until it has one).
import { READINESS_CHECKS, readinessVerdict, type ReadinessCheckKey } from '@pgvigil/schema';
import type { CheckFn, ReadinessOptions, ReadinessReport } from './check-kit';
import {
  columnTypes,
  extensions,
  generatedIdentity,
  largeObjects,
  recentDdl,
  sequences,
  triggers,
} from './checks-objects';
import {
  existingSlots,
  headroom,
  monitoringRole,
  replicationRole,
  serverSettings,
} from './checks-server';
import {
  initialCopy,
  publications,
  replicaIdentity,
  replicaIdentityFull,
  toastHeavy,
  unloggedTemporary,
} from './checks-tables';
import type { ReadinessFacts } from './facts';

export type {
  ReadinessCheck,
  ReadinessObject,
  ReadinessOptions,
  ReadinessReport,
} from './check-kit';
export { BIG_TABLE_BYTES, SLOT_LAG_BYTES, ident } from './check-kit';

const CHECKS: Record<ReadinessCheckKey, { title: string; run: CheckFn }> = {
  server_settings: { title: 'Server settings', run: serverSettings },
  slot_sender_headroom: { title: 'Free slots and WAL senders', run: headroom },
  monitoring_role: { title: "pgvigil's role", run: monitoringRole },
  replication_role: { title: 'Replication role', run: replicationRole },
  publications: { title: 'Publications', run: publications },
  replica_identity: { title: 'Primary keys and replica identity', run: replicaIdentity },
  replica_identity_full: { title: 'REPLICA IDENTITY FULL on big tables', run: replicaIdentityFull },
  unlogged_temporary_tables: { title: 'Unlogged and temporary tables', run: unloggedTemporary },
  large_objects: { title: 'Large objects', run: largeObjects },
  sequences: { title: 'Sequences', run: sequences },
  generated_identity_columns: { title: 'Generated and identity columns', run: generatedIdentity },
  triggers: { title: 'Triggers', run: triggers },
  recent_ddl: { title: 'Recent schema changes', run: recentDdl },
  toast_heavy_columns: { title: 'TOAST-heavy tables and columns', run: toastHeavy },
  extensions: { title: 'Extensions', run: extensions },
  column_types: { title: 'Column types', run: columnTypes },
  existing_slots: { title: 'Existing replication slots', run: existingSlots },
  initial_copy: { title: 'Initial copy', run: initialCopy },
};

export const readinessCheckTitle = (key: ReadinessCheckKey) => CHECKS[key].title;

/** Every check over the facts, and the verdict. */
export function assessReadiness(facts: ReadinessFacts, options: ReadinessOptions): ReadinessReport {
  const checks = READINESS_CHECKS.map((key) => ({
    key,
    title: CHECKS[key].title,
    ...CHECKS[key].run(facts, options),
  }));
  return {
    verdict: readinessVerdict(checks.map((c) => c.status)),
    purpose: options.purpose,
    database: facts.database,
    serverVersion: facts.serverVersion,
    checks,
  };
}
