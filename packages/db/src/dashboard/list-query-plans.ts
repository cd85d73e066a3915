import type { PlanSource } from '@pgvigil/schema';
import { z } from 'zod';
import type { Queryable } from '../client';
import { parseInput } from './parse';

export const queryPlansInput = z.object({
  serverId: z.coerce.number().int().positive(),
  queryid: z.string().regex(/^-?\d{1,20}$/),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type StoredPlan = {
  fingerprint: string;
  /** when this plan appeared (a change from the one before it, or the first capture) */
  capturedAt: Date;
  /** the newest capture that found the same plan */
  lastSeen: Date;
  source: PlanSource;
  database: string;
  /** the `Plan` node of EXPLAIN (FORMAT JSON) */
  plan: Record<string, unknown>;
};

/** A statement's stored plans, newest first; an unknown statement has none. */
export async function listQueryPlans({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof queryPlansInput>;
}): Promise<{ plans: StoredPlan[] }> {
  const i = parseInput(queryPlansInput, input);
  const plans = await db.query<StoredPlan>(
    `SELECT fingerprint, captured_at AS "capturedAt", last_seen AS "lastSeen", source, database, plan
       FROM query_plans
      WHERE server_id = $1 AND queryid = $2::bigint
      ORDER BY captured_at DESC
      LIMIT $3`,
    [i.serverId, i.queryid, i.limit],
  );
  return { plans };
}
