import { getAlert } from '@pgvigil/db/alerting';
import { withAlertUnits } from '@pgvigil/alerting';
import { cache } from 'react';
import { loadOrNotFound } from '@/components/dashboard/load';
import { db } from '@/server/db';
import { idParam } from '@/server/validate';

/** One alert with its events, read once per request (layout and page). */
export const loadAlert = cache((id: string) =>
  loadOrNotFound(async () => {
    const row = await getAlert(db(), idParam(id, 'Alert'));
    const [withUnit] = await withAlertUnits(db(), [row]);
    return { row, withUnit: withUnit ?? row };
  }),
);
