import { listFleet } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** Servers with health and active alerts; filter, search, sort and paginate via the query string. */
export const GET = withAuth('viewer', async ({ request, at }) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return NextResponse.json(await listFleet({ db: db(), input: params, at }));
});
