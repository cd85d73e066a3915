import {
  deleteServer as removeServer,
  getServer as readServer,
  updateServer as writeServer,
} from '@pgvigil/db/registry';
import { getServer, updateServer } from '@/contract';
import { noContent, readBody, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { idParam } from '@/server/validate';
import { changedFields, toUpdateInput } from '../server-input';

export const dynamic = 'force-dynamic';
type Params = { id: string };

export const GET = withAuth<Params>('viewer', async ({ params }) =>
  reply(getServer, { server: await readServer(db(), idParam(params.id, 'Server')) }),
);

/** Absent fields are kept, stored secrets included; `null` clears a secret. */
export const PATCH = withAuth<Params>('admin', async ({ request, params, audit }) => {
  const id = idParam(params.id, 'Server');
  const body = await readBody(request, updateServer);
  const server = await writeServer(db(), await secretBox(), id, toUpdateInput(body));
  await audit('server.update', 'server', id, { name: server.name, fields: changedFields(body) });
  return reply(updateServer, { server });
});

/** Removes the server, its alerts and all its metrics. */
export const DELETE = withAuth<Params>('admin', async ({ params, audit }) => {
  const { server, metricRows } = await removeServer(db(), idParam(params.id, 'Server'));
  await audit('server.delete', 'server', server.id, { name: server.name, metricRows });
  return noContent();
});
