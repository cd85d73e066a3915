import { getHealth as readHealth } from '@pgvigil/db';
import { getHealth } from '@/contract';
import { reply } from '@/server/api';
import { db } from '@/server/db';
import { publicRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** 503 when the datastore is unreachable. */
export const GET = publicRoute('load balancers and `npm start` poll it', async () => {
  const health = await readHealth(db());
  return reply(getHealth, health, { status: health.status === 'down' ? 503 : 200 });
});
