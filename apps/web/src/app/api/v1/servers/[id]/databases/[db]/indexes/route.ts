import { listDatabaseIndexes } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Indexes of a database (`?schema=&table=` for one table's), largest first, with unused / duplicate / invalid flags. */
export const GET = withAuth<{ id: string; db: string }>(
  'viewer',
  async ({ request, params, at }) => {
    const q = new URL(request.url).searchParams;
    return NextResponse.json({
      indexes: await listDatabaseIndexes({
        db: db(),
        input: {
          serverId: params.id,
          database: decodeURIComponent(params.db),
          schema: q.get('schema') ?? undefined,
          table: q.get('table') ?? undefined,
        },
        at,
      }),
    });
  },
);
