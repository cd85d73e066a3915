// The readiness report and the compare of registered servers: stored connection
// settings (secrets opened here, never returned), pgvigil's own schema history, and
// the live read in @pgvigil/probes. Shared by the web API and the MCP tool.
import { ConflictError, type Queryable, type SecretBox } from '@pgvigil/db';
import { listSchemaChanges } from '@pgvigil/db/dashboard';
import { getServerConnection } from '@pgvigil/db/registry';
import {
  compareServers,
  connectionSettingsSchema,
  readReadiness,
  type ConnectionFailure,
  type LiveComparison,
  type ReadinessReport,
} from '@pgvigil/probes';
import { READINESS_PURPOSES } from '@pgvigil/schema';
import { z } from 'zod';

const database = z.string().min(1).max(63);

export const readinessInput = z.object({
  serverId: z.number().int().positive(),
  database,
  purpose: z.enum(READINESS_PURPOSES).default('logical'),
  /** the role the subscriber will connect as */
  replicationRole: z.string().min(1).max(63).optional(),
  /** the copy rate the initial-copy estimate assumes */
  copyMbPerSecond: z.number().positive().max(100_000).default(50),
});

export const compareInput = z.object({
  serverId: z.number().int().positive(),
  withServerId: z.number().int().positive(),
  database,
  /** the target's database, when its name differs */
  targetDatabase: database.optional(),
  exact: z.boolean().default(false),
  /** time limit of each exact count */
  countMs: z.number().int().min(100).max(60_000).default(5_000),
});

/** Exact counts stop after this many tables per side: each one reads the whole table. */
export const MAX_EXACT_TABLES = 200;

async function settingsOf(db: Queryable, box: SecretBox, serverId: number, dbname: string) {
  return connectionSettingsSchema.parse({
    ...(await getServerConnection(db, box, serverId)),
    dbname,
  });
}

const unreachable = (what: string, failure: ConnectionFailure) =>
  new ConflictError(`Cannot reach ${what}: ${failure.cause}`, failure.fix);

export async function readServerReadiness({
  db,
  secretBox,
  input,
  at,
}: {
  db: Queryable;
  secretBox: () => Promise<SecretBox>;
  input: z.input<typeof readinessInput>;
  at: Date;
}): Promise<ReadinessReport> {
  const i = readinessInput.parse(input);
  const settings = await settingsOf(db, await secretBox(), i.serverId, i.database);
  const changes = await listSchemaChanges({
    db,
    input: { serverId: i.serverId, database: i.database, limit: 200 },
  });
  const r = await readReadiness(settings, {
    purpose: i.purpose,
    ...(i.replicationRole !== undefined ? { replicationRole: i.replicationRole } : {}),
    copyBytesPerSecond: i.copyMbPerSecond * 1024 ** 2,
    recentDdl: changes.map((c) => ({
      at: c.seenAt,
      schema: c.schemaname,
      name: c.name,
      kind: c.kind,
      change: c.change,
    })),
    at,
  });
  if (!r.ok) throw unreachable(`database ${i.database} of server ${i.serverId}`, r.failure);
  return r.value;
}

export async function compareServerDatabases({
  db,
  secretBox,
  input,
}: {
  db: Queryable;
  secretBox: () => Promise<SecretBox>;
  input: z.input<typeof compareInput>;
}): Promise<LiveComparison> {
  const i = compareInput.parse(input);
  const box = await secretBox();
  const source = await settingsOf(db, box, i.serverId, i.database);
  const target = await settingsOf(db, box, i.withServerId, i.targetDatabase ?? i.database);
  const r = await compareServers(source, target, {
    ...(i.exact ? { exact: { perTableMs: i.countMs, maxTables: MAX_EXACT_TABLES } } : {}),
  });
  if (!r.ok)
    throw unreachable(
      r.side === 'target'
        ? `database ${target.dbname} of server ${i.withServerId}`
        : `database ${source.dbname} of server ${i.serverId}`,
      r.failure,
    );
  return r.value;
}
