import { readChart as readChartData } from '@pgvigil/db/dashboard';
import { readChart } from '@/contract';
import { readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';

export const dynamic = 'force-dynamic';

/** One chart of a server for `?from=&to=` (ISO), counters as per-second rates; `?databaseName=` narrows it;
 * table and index charts also take `?schema=&object=`. */
export const GET = withAuth<{ id: string; chart: string }>(
  'viewer',
  async ({ request, params }) => {
    const q = readQuery(request, readChart);
    const data = await readChartData({
      db: db(),
      input: {
        serverId: params.id,
        chart: params.chart,
        database: q.databaseName,
        schema: q.schema,
        object: q.object,
        from: q.from,
        to: q.to,
      },
    });
    return reply(readChart, data);
  },
);
