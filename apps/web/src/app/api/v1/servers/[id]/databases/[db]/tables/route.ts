import { listDatabaseTables } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** The tables of a database from the newest sample: sizes, tuples, dead tuples, scan rates, bloat, vacuum; `?sort=`. */
export const GET = withAuth<{ id: string; db: string }>('viewer', async ({ request, params, at }) =>
  NextResponse.json({
    tables: await listDatabaseTables({
      db: db(),
      input: {
        serverId: params.id,
        database: decodeURIComponent(params.db),
        sort: new URL(request.url).searchParams.get('sort') ?? undefined,
      },
      at,
    }),
  }),
);
