import { readChart } from '@pgvigil/db/dashboard';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** One chart of a server for `?from=&to=` (ISO), counters as per-second rates; `?database=` narrows it;
 * table and index charts also take `?schema=&object=`. */
export const GET = withAuth<{ id: string; chart: string }>(
  'viewer',
  async ({ request, params }) => {
    const q = new URL(request.url).searchParams;
    const data = await readChart({
      db: db(),
      input: {
        serverId: params.id,
        chart: params.chart,
        database: q.get('database') ?? undefined,
        schema: q.get('schema') ?? undefined,
        object: q.get('object') ?? undefined,
        from: q.get('from'),
        to: q.get('to'),
      },
    });
    return NextResponse.json(data);
  },
);
