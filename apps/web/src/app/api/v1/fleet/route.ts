import { listFleet } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** Servers with health and active alerts; filter, search, sort and paginate via the query string. */
export const GET = route(async (req: Request) => {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  return NextResponse.json(await listFleet({ db: db(), input: params }));
});
