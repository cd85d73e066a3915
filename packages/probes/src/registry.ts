import * as activity from './probes/activity';
import * as availability from './probes/availability';
import * as background from './probes/background';
import * as databaseStats from './probes/database-stats';
import * as os from './probes/os';
import * as progress from './probes/progress';
import * as replication from './probes/replication';
import * as schemaObjects from './probes/schema-objects';
import * as statements from './probes/statements';
import * as tables from './probes/tables';
import type { ProbeDefinition } from './types';

/** Every probe pgvigil runs, in display order. */
export const PROBES: readonly ProbeDefinition[] = [
  availability,
  activity,
  progress,
  databaseStats,
  background,
  replication,
  statements,
  tables,
  schemaObjects,
  os,
].flatMap((group) => Object.values(group));

export const PROBE_NAMES: readonly string[] = PROBES.map((p) => p.name);

export function getProbe(name: string): ProbeDefinition | undefined {
  return PROBES.find((p) => p.name === name);
}
