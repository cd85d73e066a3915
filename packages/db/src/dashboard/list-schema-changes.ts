import { SCHEMA_CHANGES } from '@pgvigil/schema';
import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { getMetricCatalog } from '../metrics';
import { parseInput } from './parse';

export const schemaChangesInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
  /** only changes to this object (a table's name) */
  schema: z.string().min(1).max(200).optional(),
  name: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export { SCHEMA_CHANGES } from '@pgvigil/schema';

export type SchemaChange = {
  /** when the collector first saw the new definition (the DDL ran since the snapshot before) */
  seenAt: Date;
  previousAt: Date;
  schemaname: string;
  name: string;
  kind: string;
  change: (typeof SCHEMA_CHANGES)[number];
};

/**
 * DDL change events from the change-tracked schema_snapshot probe: it stores a whole
 * snapshot only when a definition hash changes, so diffing each snapshot with the one
 * before it gives what was created, dropped or altered, newest first. The first
 * snapshot of a database is a baseline, not a change.
 */
export async function listSchemaChanges({
  db,
  input,
}: {
  db: Queryable;
  input: z.input<typeof schemaChangesInput>;
}): Promise<SchemaChange[]> {
  const i = parseInput(schemaChangesInput, input);
  try {
    await getMetricCatalog(db, 'schema_snapshot');
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  return db.query<SchemaChange>(
    `WITH s AS (
       SELECT collected_at, schemaname, name, kind, definition_md5
         FROM metrics.schema_snapshot WHERE server_id = $1 AND database_name = $2
     ), snaps AS (
       SELECT t, lag(t) OVER (ORDER BY t) AS prev
         FROM (SELECT DISTINCT collected_at AS t FROM s) d
     )
     SELECT p.t AS "seenAt", p.prev AS "previousAt", x.schemaname, x.name, x.kind, x.change
       FROM snaps p
       CROSS JOIN LATERAL (
         SELECT coalesce(c.schemaname, o.schemaname) AS schemaname, coalesce(c.name, o.name) AS name,
                coalesce(c.kind, o.kind) AS kind,
                CASE WHEN o.name IS NULL THEN 'created' WHEN c.name IS NULL THEN 'dropped'
                     ELSE 'altered' END AS change
           FROM (SELECT * FROM s WHERE collected_at = p.t) c
           FULL JOIN (SELECT * FROM s WHERE collected_at = p.prev) o
             ON o.schemaname = c.schemaname AND o.name = c.name AND o.kind = c.kind
          WHERE c.definition_md5 IS DISTINCT FROM o.definition_md5
       ) x
      WHERE p.prev IS NOT NULL
        AND ($3::text IS NULL OR x.schemaname = $3) AND ($4::text IS NULL OR x.name = $4)
      ORDER BY p.t DESC, x.schemaname, x.name, x.kind
      LIMIT $5 OFFSET $6`,
    [i.serverId, i.database, i.schema ?? null, i.name ?? null, i.limit, i.offset],
  );
}
