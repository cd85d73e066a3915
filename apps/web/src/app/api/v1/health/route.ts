import { getHealth } from '@/contract';
import { reply } from '@/server/api';
import { publicRoute } from '@/server/http';
import { selfHealth } from '@/server/self-health';

export const dynamic = 'force-dynamic';

/**
 * The datastore, the collector and alerter, and what is wrong in plain words
 * (`problems`, the banner's text). 503 when the datastore is unreachable.
 */
export const GET = publicRoute('load balancers and `npm start` poll it', async () => {
  const health = await selfHealth({ fresh: true });
  return reply(getHealth, health, { status: health.status === 'down' ? 503 : 200 });
});
