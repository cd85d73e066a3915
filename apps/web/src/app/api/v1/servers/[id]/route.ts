import { deleteServer, getServer, updateServer } from '@pgvigil/db/registry';
import { NextResponse } from 'next/server';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { idParam, readJson } from '@/server/validate';
import { changedFields, serverBodySchema, toUpdateInput } from '../server-input';

export const dynamic = 'force-dynamic';
type Params = { id: string };

export const GET = withAuth<Params>('viewer', async ({ params }) =>
  NextResponse.json({ server: await getServer(db(), idParam(params.id, 'Server')) }),
);

/** Absent fields are kept, stored secrets included; `null` clears a secret. */
export const PATCH = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Server');
  const body = await readJson(request, serverBodySchema);
  const server = await updateServer(db(), await secretBox(), id, toUpdateInput(body));
  await audit('server.update', 'server', id, { name: server.name, fields: changedFields(body) });
  return NextResponse.json({ server });
});

/** Removes the server, its alerts and all its metrics. */
export const DELETE = withAuth<Params>('admin', async ({ params, audit }) => {
  const { server, metricRows } = await deleteServer(db(), idParam(params.id, 'Server'));
  await audit('server.delete', 'server', server.id, { name: server.name, metricRows });
  return NextResponse.json({ deleted: server.id, metricRows });
});
