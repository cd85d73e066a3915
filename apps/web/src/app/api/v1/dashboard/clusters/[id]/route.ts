import { getClusterOverview } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** A cluster with its members (health, alerts) and its active alerts. */
export const GET = route(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return NextResponse.json(await getClusterOverview({ db: db(), input: { id } }));
});
