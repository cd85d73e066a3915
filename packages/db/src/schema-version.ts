import type { Db } from './client';

/** The newest applied migration, or null on a datastore that was never migrated. */
export async function appliedVersion(db: Db): Promise<number | null> {
  const rows = await db.query<{ version: number | null }>(
    `SELECT CASE WHEN to_regclass('pgvigil_migrations') IS NULL THEN NULL
            ELSE (SELECT max(version) FROM pgvigil_migrations) END AS version`,
  );
  return rows[0]?.version ?? null;
}
