// Query analytics past pg_stat_statements: captured plans.
import { PLAN_SOURCES } from '@pgvigil/schema';
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
