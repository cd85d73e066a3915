// Readiness for logical replication or a migration, and the compare of two servers:
// both read live from the monitored servers, so an editor's to ask for.
import {
  COMPARE_KINDS,
  READINESS_CHECKS,
  READINESS_PURPOSES,
  READINESS_STATUSES,
  READINESS_VERDICTS,
} from '@pgvigil/schema';
import { z } from 'zod';
import { endpoint } from './endpoint';

const readinessObject = z
  .object({ name: z.string() })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .meta({ id: 'ReadinessObject', description: 'an object a check is about, with its figures' });

export const readinessCheck = z
  .object({
    key: z.enum(READINESS_CHECKS),
    title: z.string(),
    status: z.enum(READINESS_STATUSES),
    detail: z.string(),
    fix: z.string().optional().meta({ description: 'SQL to review and run' }),
    objects: z.array(readinessObject).optional(),
  })
  .meta({ id: 'ReadinessCheck' });
export type ReadinessCheckView = z.output<typeof readinessCheck>;

export const readinessReport = z
  .object({
    verdict: z.enum(READINESS_VERDICTS),
    purpose: z.enum(READINESS_PURPOSES),
    database: z.string(),
    serverVersion: z.number().int(),
    checks: z.array(readinessCheck),
  })
  .meta({ id: 'ReadinessReport' });
export type ReadinessReportView = z.output<typeof readinessReport>;

const databaseName = z.string().min(1).max(63);

export const getReadiness = endpoint({
  method: 'GET',
  path: '/servers/{id}/readiness',
  access: 'editor',
  tag: 'readiness',
  summary: 'Whether a database is ready for logical replication or a migration, check by check',
  description:
    'Read live on the server (one read-only session, catalog reads only, no table lock). `for`: `logical` (default) or `migration`, where what logical replication leaves behind blocks. `role`: the role the subscriber will connect as. `rate`: MB/s the initial-copy estimate assumes (50). An unreachable server is a 409 with the cause and fix. See docs/readiness.md.',
  params: { id: 'a server id' },
  query: z.object({
    database: databaseName,
    for: z.enum(READINESS_PURPOSES).default('logical'),
    role: z.string().min(1).max(63).optional(),
    rate: z.coerce.number().positive().max(100_000).default(50),
  }),
  response: readinessReport,
});

export const schemaDifference = z
  .object({
    kind: z.enum(COMPARE_KINDS),
    name: z.string(),
    source: z.string().nullable(),
    target: z.string().nullable(),
  })
  .meta({ id: 'SchemaDifference' });

const count = z.number().nullable();

export const serverComparison = z
  .object({
    source: z.object({ serverVersion: z.number().int(), database: z.string() }),
    target: z.object({ serverVersion: z.number().int(), database: z.string() }),
    differences: z.array(schemaDifference),
    rows: z.array(
      z.object({
        table: z.string(),
        sourceEstimate: count,
        targetEstimate: count,
        sourceExact: count.optional(),
        targetExact: count.optional(),
      }),
    ),
    sequencesBehind: z.array(
      z.object({
        name: z.string(),
        source: z.number(),
        target: count,
        fix: z.string(),
      }),
    ),
    replication: z.array(
      z.object({
        subscription: z.string(),
        subscriber: z.enum(['source', 'target']),
        slot: z.string(),
        enabled: z.boolean(),
        slotActive: z.boolean(),
        lagBytes: count,
        replayLagSeconds: count,
      }),
    ),
  })
  .meta({ id: 'ServerComparison' });
export type ServerComparisonView = z.output<typeof serverComparison>;

export const compareServersEndpoint = endpoint({
  method: 'GET',
  path: '/servers/{id}/compare',
  access: 'editor',
  tag: 'readiness',
  summary: 'A database of this server (the source) against the same database of another',
  description:
    'Schema differences (tables, columns and types, indexes, constraints, sequences, extensions and versions), row estimates per table, sequences behind on the target, and the lag of a subscription linking them. `exact=true` also counts rows, each table within `countMs` (5000; null when it ran out), at most 200 tables and 60 s a side. `targetDatabase` when the name differs there.',
  params: { id: 'the source server id' },
  query: z.object({
    with: z.coerce.number().int().positive().meta({ description: 'the target server id' }),
    database: databaseName,
    targetDatabase: databaseName.optional(),
    exact: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    countMs: z.coerce.number().int().min(100).max(60_000).default(5_000),
  }),
  response: serverComparison,
});
