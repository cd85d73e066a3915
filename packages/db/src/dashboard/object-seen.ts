import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { OTHERS_QUERYID } from './get-query-history';
import { parseInput } from './parse';

const databaseInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
});
const queryInput = z.object({
  serverId: z.coerce.number().int().positive(),
  queryid: z.union([z.string().regex(/^-?\d{1,20}$/), z.literal(OTHERS_QUERYID)]),
});

async function hasTable(db: Queryable, name: string): Promise<boolean> {
  const [t] = await db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [name]);
  return t?.ok === true;
}

/**
 * A database's page exists once the collector stored any sample of it (at any
 * retained time, so a database stays browsable while its server is down).
 * Throws NotFoundError otherwise: the page answers 404 before it streams.
 */
export async function assertDatabaseSeen({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof databaseInput>;
}): Promise<void> {
  const i = parseInput(databaseInput, input);
  const seen =
    (await hasTable(db, 'metrics.database_stats')) &&
    (
      await db.query<{ ok: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM metrics.database_stats
                         WHERE server_id = $1 AND datname = $2) AS ok`,
        [i.serverId, i.database],
      )
    )[0]?.ok === true;
  if (!seen) {
    throw new NotFoundError(
      `Database ${i.database} on server ${i.serverId}`,
      'Pick a database from the server page; new databases appear after the next collection.',
    );
  }
}

/** A statement's page exists once its text was stored or any of its deltas is retained. */
export async function assertQuerySeen({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof queryInput>;
}): Promise<void> {
  const i = parseInput(queryInput, input);
  const params = [i.serverId, i.queryid];
  const [text] = await db.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM query_texts WHERE server_id = $1 AND queryid::text = $2) AS ok`,
    params,
  );
  const seen =
    text?.ok === true ||
    ((await hasTable(db, 'metrics.statements')) &&
      (
        await db.query<{ ok: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM metrics.statements
                           WHERE server_id = $1 AND coalesce(queryid::text, '(others)') = $2) AS ok`,
          params,
        )
      )[0]?.ok === true);
  if (!seen) {
    throw new NotFoundError(
      `Query ${i.queryid} on server ${i.serverId}`,
      'pgvigil never saw this statement; pick a query from the server page.',
    );
  }
}
