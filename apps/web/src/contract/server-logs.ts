// Log insights: what a server's own log said, counted and sampled by the collector.
import { z } from 'zod';
import { timestamp } from './common';
import { endpoint } from './endpoint';

export const logCount = z
  .object({
    /** start of the bucket (`bucketSeconds` long) */
    at: timestamp,
    severity: z.string(),
    /** first two characters of the SQLSTATE; '00' for LOG lines without one */
    sqlstateClass: z.string(),
    /** auth_failure, deadlock, checkpoint_too_frequent, autovacuum_cancelled or '' */
    kind: z.string(),
    events: z.number().int(),
  })
  .meta({ id: 'LogCount' });

export const logSample = z
  .object({
    at: timestamp,
    database: z.string().nullable(),
    severity: z.string(),
    sqlstate: z.string().nullable(),
    kind: z.string(),
    user: z.string().nullable(),
    application: z.string().nullable(),
    /** redacted (role and connection-string passwords) and cut */
    message: z.string(),
    detail: z.string().nullable(),
    hint: z.string().nullable(),
    context: z.string().nullable(),
    statement: z.string().nullable(),
  })
  .meta({ id: 'LogSample' });
export type LogSample = z.output<typeof logSample>;

export const getServerLogs = endpoint({
  method: 'GET',
  path: '/servers/{id}/logs',
  access: 'viewer',
  tag: 'dashboard',
  summary: "The server's own log: counts by severity and SQLSTATE class over time, newest samples",
  description:
    "From metrics.log_events (log insights, docs/alerting.md). `from`/`to` default to the last hour; the 50 newest samples. `collected: false` when nothing of this server's log was ever stored: the role may not read it, or logging_collector is off (Test connection says which).",
  params: { id: 'a server id' },
  query: z.object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  }),
  response: z.object({
    collected: z.boolean(),
    bucketSeconds: z.number().int(),
    counts: z.array(logCount),
    samples: z.array(logSample),
  }),
});
