import { z } from 'zod';
import type { Queryable } from '../client';
import { parseInput } from './parse';

export const serverLogsInput = z.object({
  serverId: z.coerce.number().int().positive(),
  from: z.coerce.date(),
  to: z.coerce.date(),
  /** newest samples answered */
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export type LogCount = {
  /** start of the bucket */
  at: Date;
  severity: string;
  sqlstateClass: string;
  kind: string;
  events: number;
};

export type LogSampleRow = {
  at: Date;
  database: string | null;
  severity: string;
  sqlstate: string | null;
  kind: string;
  user: string | null;
  application: string | null;
  message: string;
  detail: string | null;
  hint: string | null;
  context: string | null;
  statement: string | null;
};

export interface ServerLogs {
  /** false: no row of metrics.log_events for this server ever (not read, or never anything logged) */
  collected: boolean;
  bucketSeconds: number;
  counts: LogCount[];
  samples: LogSampleRow[];
}

/** At most about 72 buckets over the window, whole minutes. */
export const logBucketSeconds = (from: Date, to: Date) =>
  Math.max(60, Math.ceil((to.getTime() - from.getTime()) / 72 / 60_000) * 60);

// Rows are stamped when read (collected_at) and carry the minute logged: a minute read
// up to a run later still lands in its own bucket.
const READ_SLACK = `interval '15 minutes'`;

/**
 * A server's log insights over [from, to): counts per bucket, severity, SQLSTATE class and
 * kind, and the newest redacted samples. Empty before the collector first wrote the table.
 */
export async function getServerLogs({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof serverLogsInput>;
}): Promise<ServerLogs> {
  const i = parseInput(serverLogsInput, input);
  const bucketSeconds = logBucketSeconds(i.from, i.to);
  const [table] = await db.query<{ t: string | null }>(
    `SELECT to_regclass('metrics.log_events')::text AS t`,
  );
  if (!table?.t) return { collected: false, bucketSeconds, counts: [], samples: [] };
  const where = `server_id = $1 AND collected_at >= $2::timestamptz - ${READ_SLACK}
     AND collected_at < $3::timestamptz + ${READ_SLACK} AND minute >= $2 AND minute < $3`;
  const [counts, samples, any] = await Promise.all([
    db.query<LogCount>(
      // citus: one server: `where` holds server_id = $1
      `SELECT date_bin(make_interval(secs => $4), minute, timestamptz '2000-01-01') AS at,
              severity, sqlstate_class AS "sqlstateClass", kind, sum(events)::int AS events
         FROM metrics.log_events WHERE ${where}
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      [i.serverId, i.from, i.to, bucketSeconds],
    ),
    db.query<LogSampleRow>(
      // citus: one server: `where` holds server_id = $1
      `SELECT s.at, l.datname AS database, s.severity, s.sqlstate, l.kind, s."user", s.application,
              s.message, s.detail, s.hint, s.context, s.statement
         FROM metrics.log_events l,
              jsonb_to_recordset(l.samples) AS s(at timestamptz, severity text, sqlstate text,
                "user" text, application text, message text, detail text, hint text,
                context text, statement text)
        WHERE ${where}
        ORDER BY s.at DESC LIMIT $4`,
      [i.serverId, i.from, i.to, i.limit],
    ),
    db.query<{ n: number }>(`SELECT 1 AS n FROM metrics.log_events WHERE server_id = $1 LIMIT 1`, [
      i.serverId,
    ]),
  ]);
  return { collected: any.length > 0, bucketSeconds, counts, samples };
}
