import { getServerOverview } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** A server's identity, health, active alerts and plain-words summary. */
export const GET = route(async (_req: Request, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return NextResponse.json(await getServerOverview({ db: db(), input: { id }, at: new Date() }));
});
