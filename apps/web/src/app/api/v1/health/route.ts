import { getHealth } from '@pgvigil/db';
import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

/** Public: load balancers and `npm start` poll it. 503 when the datastore is unreachable. */
export const GET = route(async () => {
  const health = await getHealth(db());
  return NextResponse.json(health, { status: health.status === 'down' ? 503 : 200 });
});
