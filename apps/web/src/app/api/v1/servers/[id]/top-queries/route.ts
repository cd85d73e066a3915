import { listTopQueries } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Top statements in `?from=&to=` from pg_stat_statements deltas; `?sort=`, `?limit=`, `?includeOwn=true`. */
export const GET = withAuth<{ id: string }>('viewer', async ({ request, params }) => {
  const q = Object.fromEntries(new URL(request.url).searchParams);
  return NextResponse.json(
    await listTopQueries({ db: db(), input: { ...q, serverId: params.id } as never }),
  );
});
