import { datastoreEnv, parseEnv } from '@pgvigil/db';
import { z } from 'zod';

const schema = z.object({
  ...datastoreEnv,
  PGVIGIL_COLLECTOR_ID: z.string().min(1).optional(),
  // rows kept in memory while the datastore is unreachable; beyond it the oldest are dropped
  PGVIGIL_COLLECTOR_BUFFER_ROWS: z.coerce.number().int().min(1000).max(10_000_000).default(500_000),
});

export type CollectorEnv = z.infer<typeof schema>;
export const loadEnv = (source = process.env): CollectorEnv =>
  parseEnv('collector', schema, source);
