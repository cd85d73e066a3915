import { getAlert } from '@pgvigil/db/alerting';
import { NextResponse } from 'next/server';
import { withAlertUnits } from '@pgvigil/alerting';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

export const dynamic = 'force-dynamic';

/** One alert with every transition it went through. */
export const GET = withAuth<{ id: string }>('viewer', async ({ params }) =>
  NextResponse.json({
    alert: (await withAlertUnits(db(), [await getAlert(db(), idParam(params.id, 'Alert'))]))[0],
  }),
);
