import type { Db } from '@pgvigil/db';
import { db } from '@/server/db';
import { loadOrNotFound, loadServer } from './load';
import { pageWindow, type SearchParams } from './window';

export interface ObjectRef {
  serverId: number;
  database: string;
  schema: string;
  name: string;
}

/**
 * What the table and index pages both start with: the server of the URL (404 when
 * unknown), the decoded database/schema/object names, the object's detail (404 when
 * unknown) and the page's time window.
 */
export async function loadObjectPage<D>(
  params: { id: string; db: string; schema: string; object: string },
  searchParams: SearchParams,
  getDetail: (args: { db: Db; input: ObjectRef; at: Date }) => Promise<D>,
) {
  const now = new Date();
  const [database, schema, name] = [params.db, params.schema, params.object].map(
    decodeURIComponent,
  ) as [string, string, string];
  const server = await loadServer(params.id);
  const [detail, range] = await Promise.all([
    loadOrNotFound(() =>
      getDetail({ db: db(), input: { serverId: server.id, database, schema, name }, at: now }),
    ),
    pageWindow(searchParams, now),
  ]);
  return { now, server, database, schema, name, detail, ...range };
}
