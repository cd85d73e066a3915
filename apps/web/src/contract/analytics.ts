// Query analytics past pg_stat_statements: captured plans and index advice.
import { INDEX_ADVICE_KINDS, PLAN_SOURCES } from '@pgvigil/schema';
import { z } from 'zod';
import { dataMap, timestamp } from './common';
import { endpoint } from './endpoint';

export const storedPlan = z
  .object({
    /** structural hash: node types, relations, indexes, join order; not costs */
    fingerprint: z.string(),
    /** when this plan appeared: a change from the one before it, or the first capture */
    capturedAt: timestamp,
    /** the newest capture that found the same plan */
    lastSeen: timestamp,
    source: z.enum(PLAN_SOURCES),
    database: z.string(),
    /** the `Plan` node of EXPLAIN (FORMAT JSON) */
    plan: dataMap(z.unknown()),
  })
  .meta({ id: 'StoredPlan' });
export type StoredPlan = z.output<typeof storedPlan>;

export const listQueryPlans = endpoint({
  method: 'GET',
  path: '/servers/{id}/queries/{queryid}/plans',
  access: 'viewer',
  tag: 'dashboard',
  summary: "A statement's captured plans, newest first",
  description:
    'The 50 newest plan changes (change-tracked by a structural fingerprint), each with the time it appeared and the last capture that still found it. Empty for a statement never planned: not among the top N, not DML, or parameterised on PostgreSQL before 16. 400 for a malformed queryid.',
  params: { id: 'a server id', queryid: 'a signed 64-bit hash as text' },
  response: z.object({ plans: z.array(storedPlan) }),
});

export const indexAdvice = z
  .object({
    kind: z.enum(INDEX_ADVICE_KINDS),
    /** schema.table */
    table: z.string(),
    /** schema.index */
    index: z.string().optional(),
    columns: z.array(z.string()).optional(),
    /** the statement that applies the advice */
    statement: z.string(),
    estimatedSavingBytes: z.number().optional(),
    costBefore: z.number().optional(),
    costAfter: z.number().optional(),
    verified: z.boolean(),
    detail: z.string(),
  })
  .meta({ id: 'IndexAdvice' });
export type IndexAdvice = z.output<typeof indexAdvice>;

export const getIndexAdvice = endpoint({
  method: 'GET',
  path: '/servers/{id}/databases/{db}/index-advice',
  access: 'viewer',
  tag: 'dashboard',
  summary: 'Index advice for a database: indexes to drop, rebuild or create, with the statement',
  description:
    "From the newest samples: invalid and duplicate (same definition, or columns leading another index) indexes, unused ones (unscanned on every member of the cluster that reported the database; `verified: false` when a member has no samples of it) with `DROP INDEX CONCURRENTLY` and the size it frees, bloated ones (at least 30 % and 8 MiB estimated bloat) with `REINDEX INDEX CONCURRENTLY`, and missing indexes (kind `missing`: the indexable predicates of the top statements over tables read by large sequential scans, parsed with PostgreSQL's parser) with `CREATE INDEX CONCURRENTLY`, `verified: true` with `costBefore` and `costAfter` when a hypothetical index (hypopg on the monitored database) proved the estimated cost falls.",
  params: { id: 'a server id', db: 'a database name (URI-encoded)' },
  response: z.object({ advice: z.array(indexAdvice) }),
});
