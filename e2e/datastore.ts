import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** A session on the e2e stack's embedded datastore (found through PGVIGIL_E2E_HOME). */
export async function stackDatastore(): Promise<pg.Client> {
  const home = process.env.PGVIGIL_E2E_HOME ?? '';
  const moved = await readFile(path.join(home, 'pgdata.location'), 'utf8').catch(() => null);
  const dataDir = moved?.trim() || path.join(home, 'pgdata');
  const port = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[3];
  const password = (await readFile(path.join(home, 'datastore.password'), 'utf8')).trim();
  const c = new pg.Client({
    host: '127.0.0.1',
    port: Number(port),
    user: 'postgres',
    password,
    database: 'pgvigil',
  });
  await c.connect();
  return c;
}
