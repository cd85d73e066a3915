import { z } from 'zod';
import type { Queryable } from '../client';
import { parseInput } from './parse';

const windowInput = z
  .object({
    serverId: z.coerce.number().int().positive(),
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((i) => i.from < i.to, { message: '`from` must be before `to`', path: ['from'] });

const statementInput = z
  .object({
    serverId: z.coerce.number().int().positive(),
    queryid: z.string().regex(/^-?\d{1,20}$/),
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((i) => i.from < i.to, { message: '`from` must be before `to`', path: ['from'] });

/** What pg_stat_kcache saw one statement use in a window (all roles and databases). */
export type StatementKernelUse = {
  userTimeMs: number;
  systemTimeMs: number;
  readBytes: number;
  writeBytes: number;
  minorFaults: number;
  majorFaults: number;
  voluntarySwitches: number;
  involuntarySwitches: number;
};

/** Time in one wait event in a window (pg_wait_sampling); event 'CPU' is time on CPU. */
export type WaitTime = { eventType: string; event: string; samples: number; waitMs: number };

export type StatementResources = {
  /** null: pg_stat_kcache stored nothing for the statement in the window (absent, or it did not run) */
  kernel: StatementKernelUse | null;
  /** most time first; empty when pg_wait_sampling stored nothing for it */
  waits: WaitTime[];
};

async function tableExists(db: Queryable, name: string): Promise<boolean> {
  const [t] = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [
    `metrics.${name}`,
  ]);
  return t?.ok === true;
}

const WAITS = `SELECT event_type AS "eventType", event, sum(samples)::float8 AS samples,
                      sum(wait_time)::float8 AS "waitMs"`;

/** A statement's CPU, real I/O and waits over a window, from the stored per-run deltas. */
export async function getStatementResources({
  db,
  input: raw,
}: {
  db: Queryable;
  input: z.input<typeof statementInput>;
}): Promise<StatementResources> {
  const i = parseInput(statementInput, raw);
  const args = [i.serverId, i.queryid, i.from, i.to];
  const where = `server_id = $1 AND queryid::text = $2 AND collected_at > $3 AND collected_at <= $4`;
  const [kernel] = (await tableExists(db, 'statements_kcache'))
    ? await db.query<StatementKernelUse>(
        // citus: one server: `where` holds server_id = $1
        `SELECT sum(user_time)::float8 AS "userTimeMs", sum(system_time)::float8 AS "systemTimeMs",
                sum(reads)::float8 AS "readBytes", sum(writes)::float8 AS "writeBytes",
                sum(minflts)::float8 AS "minorFaults", sum(majflts)::float8 AS "majorFaults",
                sum(nvcsws)::float8 AS "voluntarySwitches", sum(nivcsws)::float8 AS "involuntarySwitches"
           FROM metrics.statements_kcache WHERE ${where}
         HAVING count(*) > 0`,
        args,
      )
    : [];
  const waits = (await tableExists(db, 'statement_waits'))
    ? await db.query<WaitTime>(
        // citus: one server: `where` holds server_id = $1
        `${WAITS} FROM metrics.statement_waits WHERE ${where}
          GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2`,
        args,
      )
    : [];
  return { kernel: kernel ?? null, waits };
}

/** The server's wait profile over a window (pg_wait_sampling), most time first. */
export async function getServerWaits({
  db,
  input: raw,
}: {
  db: Queryable;
  input: z.input<typeof windowInput>;
}): Promise<WaitTime[]> {
  const i = parseInput(windowInput, raw);
  if (!(await tableExists(db, 'wait_profile'))) return [];
  return db.query<WaitTime>(
    `${WAITS} FROM metrics.wait_profile
      WHERE server_id = $1 AND collected_at > $2 AND collected_at <= $3
      GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2`,
    [i.serverId, i.from, i.to],
  );
}

/** A statement by the CPU pg_stat_kcache saw it use in a window. */
export type CpuStatement = {
  /** text: a 64-bit hash; '(others)' for the row summing the statements beyond the top 50 */
  queryid: string;
  query: string | null;
  cpuTimeMs: number;
  readBytes: number;
  writeBytes: number;
};

/** The server's statements with the most CPU in a window (pg_stat_kcache), all roles and databases summed. */
export async function listCpuStatements({
  db,
  input: raw,
  limit = 10,
}: {
  db: Queryable;
  input: z.input<typeof windowInput>;
  limit?: number;
}): Promise<CpuStatement[]> {
  const i = parseInput(windowInput, raw);
  if (!(await tableExists(db, 'statements_kcache'))) return [];
  return db.query<CpuStatement>(
    `SELECT coalesce(k.queryid::text, '(others)') AS queryid, qt.query,
            sum(k.user_time + k.system_time)::float8 AS "cpuTimeMs",
            sum(k.reads)::float8 AS "readBytes", sum(k.writes)::float8 AS "writeBytes"
       FROM metrics.statements_kcache k
       LEFT JOIN query_texts qt ON qt.server_id = k.server_id AND qt.queryid::text = k.queryid::text
      WHERE k.server_id = $1 AND k.collected_at > $2 AND k.collected_at <= $3
      GROUP BY 1, 2 ORDER BY 3 DESC NULLS LAST, 1 LIMIT $4`,
    [i.serverId, i.from, i.to, limit],
  );
}
