import { createServer as insertServer, listServers as readServers } from '@pgvigil/db/registry';
import { createServer, listServers } from '@/contract';
import { pageOf, readBody, readQuery, reply } from '@/server/api';
import { withAuth } from '@/server/auth';
import { db } from '@/server/db';
import { secretBox } from '@/server/secret-box';
import { changedFields, toCreateInput } from './server-input';

export const dynamic = 'force-dynamic';

export const GET = withAuth('viewer', async ({ request }) => {
  const page = pageOf(await readServers(db()), readQuery(request, listServers));
  return reply(listServers, { servers: page.items, nextCursor: page.nextCursor });
});

export const POST = withAuth('admin', async ({ request, audit }) => {
  const body = await readBody(request, createServer);
  const server = await insertServer(db(), await secretBox(), toCreateInput(body));
  await audit('server.create', 'server', server.id, {
    name: server.name,
    fields: changedFields(body),
  });
  return reply(createServer, { server });
});
