import { envVars, parseEnv } from '@pgvigil/db';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: envVars.databaseUrl,
  PGVIGIL_HOME: envVars.home,
  PGVIGIL_SECRET_KEY: envVars.optionalSecret,
  PGVIGIL_SECRET_KEY_PREVIOUS: envVars.optionalSecret,
  PGVIGIL_COLLECTOR_ID: z.string().min(1).optional(),
});

export type CollectorEnv = z.infer<typeof schema>;
export const loadEnv = (source = process.env): CollectorEnv =>
  parseEnv('collector', schema, source);
