import { getHealth } from '@pgvigil/db';
import { NextResponse } from 'next/server';
import { db } from '@/server/db';
import { publicRoute } from '@/server/http';

export const dynamic = 'force-dynamic';

/** 503 when the datastore is unreachable. */
export const GET = publicRoute('load balancers and `npm start` poll it', async () => {
  const health = await getHealth(db());
  return NextResponse.json(health, { status: health.status === 'down' ? 503 : 200 });
});
