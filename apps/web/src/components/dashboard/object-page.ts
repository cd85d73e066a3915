import { decodeSegments, loadServer } from './load';
import { pageWindow, type SearchParams } from './window';

export interface ObjectParams {
  id: string;
  db: string;
  schema: string;
  object: string;
}

/** A table's or index's loader from load.ts: read once per request, 404 when unknown. */
type LoadObject<D> = (
  serverId: number,
  database: string,
  schema: string,
  name: string,
) => Promise<D>;

/**
 * The server and decoded database/schema/object names of a table or index URL, with
 * the object's detail. The segment's layout calls it before its loading boundary
 * (so an unknown object is a 404 status); the page gets the same cached read.
 */
export async function loadObject<D>(params: ObjectParams, load: LoadObject<D>) {
  const server = await loadServer(params.id);
  const [database, schema, name] = decodeSegments(params.db, params.schema, params.object);
  const detail = await load(server.id, database, schema, name);
  return { server, database, schema, name, detail };
}

/** What the table and index pages both start with: the object and the page's time window. */
export async function loadObjectPage<D>(
  params: ObjectParams,
  searchParams: SearchParams,
  load: LoadObject<D>,
) {
  const now = new Date();
  const [object, range] = await Promise.all([
    loadObject(params, load),
    pageWindow(searchParams, now),
  ]);
  return { now, ...object, ...range };
}
