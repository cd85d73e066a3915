import { datastoreEnv, parseEnv } from '@pgvigil/db';
import { PLAN_TOP_N } from '@pgvigil/probes';
import { z } from 'zod';

const schema = z.object({
  ...datastoreEnv,
  PGVIGIL_COLLECTOR_ID: z.string().min(1).optional(),
  // rows kept in memory while the datastore is unreachable; beyond it the oldest are dropped
  PGVIGIL_COLLECTOR_BUFFER_ROWS: z.coerce.number().int().min(1000).max(10_000_000).default(500_000),
  // statements whose plan is captured per server and window (0: no plan capture)
  PGVIGIL_PLANS_TOP_N: z.coerce.number().int().min(0).max(500).default(PLAN_TOP_N),
});

export type CollectorEnv = z.infer<typeof schema>;
export const loadEnv = (source = process.env): CollectorEnv =>
  parseEnv('collector', schema, source);
