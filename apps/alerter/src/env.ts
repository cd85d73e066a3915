import { datastoreEnv, envVars, parseEnv } from '@pgvigil/db';
import { z } from 'zod';

const schema = z.object({
  ...datastoreEnv,
  PGVIGIL_BASE_URL: envVars.url.default('http://localhost:3000'),
  SMTP_URL: envVars.smtpUrl,
  ALERTER_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** how often forecast and anomaly rules are evaluated (they read days of history) */
  ALERTER_TREND_INTERVAL_SECONDS: z.coerce.number().int().min(15).max(86_400).default(600),
  /** a message claimed by a sender that died is retried after this */
  ALERTER_DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  ALERTER_DELIVERY_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
  ALERTER_REMINDER_MINUTES: z.coerce.number().int().min(0).max(10_080).default(240),
  /** the dead-man's switch: called every minute while pgvigil is healthy */
  PGVIGIL_HEARTBEAT_URL: envVars.url.optional(),
});

export type AlerterEnv = z.infer<typeof schema>;
export const loadEnv = (source = process.env): AlerterEnv => parseEnv('alerter', schema, source);
