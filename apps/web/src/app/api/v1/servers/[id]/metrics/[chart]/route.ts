import { readChart } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** One chart of a server for `?from=&to=` (ISO), counters as per-second rates; `?database=` narrows it. */
export const GET = route(
  async (req: Request, ctx: { params: Promise<{ id: string; chart: string }> }) => {
    const { id, chart } = await ctx.params;
    const q = new URL(req.url).searchParams;
    const data = await readChart({
      db: db(),
      input: {
        serverId: id,
        chart,
        database: q.get('database') ?? undefined,
        from: q.get('from'),
        to: q.get('to'),
      },
    });
    return NextResponse.json(data);
  },
);
