import { listDatabaseTables } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The tables of a database from the newest sample: sizes, tuples, dead tuples, scan rates, last autovacuum. */
export const GET = withAuth<{ id: string; db: string }>('viewer', async ({ params, at }) =>
  NextResponse.json({
    tables: await listDatabaseTables({
      db: db(),
      input: { serverId: params.id, database: decodeURIComponent(params.db) },
      at,
    }),
  }),
);
