import { INDEX_ISSUES, TABLE_SORTS } from '@pgvigil/schema';
import type { Queryable } from '@pgvigil/db';
import { listDatabaseIndexes, listDatabaseTables } from '@pgvigil/db/dashboard';
import { getServer } from '@pgvigil/db/registry';
import { z } from 'zod';
import { defineTool } from '../tool';
import { database, serverId } from './inputs';

/** The database asked for, or the one the server was registered with. */
export async function databaseOf(db: Queryable, id: number, name: string | undefined) {
  return name ?? (await getServer(db, id)).dbname;
}

const objectFilter = {
  schema: z.string().min(1).max(200).optional(),
  table: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('one table (with `schema`, default public)'),
};

export const tableHealth = defineTool({
  name: 'table_health',
  title: 'Table health',
  description:
    'Tables of a database from the newest samples: size, live and dead tuples, bloat, scans per second, last vacuum and analyze, freeze age, primary key. Sort by size, scans, dead tuples, bloat or oldest vacuum.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    database: database.optional().describe("default: the server's registered database"),
    sort: z.enum(TABLE_SORTS).optional().describe('default size'),
    limit: z.number().int().min(1).max(500).optional().describe('default 25'),
    ...objectFilter,
  }),
  example: { serverId: 1, database: 'app', sort: 'dead' },
  async run({ db, at, links }, i) {
    const name = await databaseOf(db, i.serverId, i.database);
    const all = await listDatabaseTables({
      db,
      input: { serverId: i.serverId, database: name, sort: i.sort ?? 'size' },
      at,
    });
    const wanted = i.table
      ? all.filter((t) => t.relname === i.table && t.schemaname === (i.schema ?? 'public'))
      : all;
    const tables = wanted.slice(0, i.limit ?? 25).map((t) => ({
      ...t,
      link: links.table(i.serverId, name, t.schemaname, t.relname),
    }));
    return {
      summary: `${tables.length} of ${all.length} tables in ${name}.`,
      data: { database: name, total: all.length, tables },
      links: [{ label: `Database ${name}`, url: links.database(i.serverId, name) }],
    };
  },
});

export const indexHealth = defineTool({
  name: 'index_health',
  title: 'Index health',
  description:
    'Indexes of a database (or one table), largest first: size, scans, bloat, and the unused, duplicate and invalid flags with their detail.',
  minRole: 'viewer',
  access: 'read',
  input: z.object({
    serverId,
    database: database.optional().describe("default: the server's registered database"),
    ...objectFilter,
    issues: z
      .array(z.enum(INDEX_ISSUES))
      .optional()
      .describe('only indexes flagged with one of these'),
    limit: z.number().int().min(1).max(500).optional().describe('default 25'),
  }),
  example: { serverId: 1, database: 'app', issues: ['unused', 'duplicate'] },
  async run({ db, at, links }, i) {
    const name = await databaseOf(db, i.serverId, i.database);
    const all = await listDatabaseIndexes({
      db,
      input: {
        serverId: i.serverId,
        database: name,
        ...(i.table ? { schema: i.schema ?? 'public', table: i.table } : {}),
      },
      at,
    });
    const flagged = i.issues
      ? all.filter((x) => x.issues.some((f) => i.issues!.includes(f.issue)))
      : all;
    const indexes = flagged.slice(0, i.limit ?? 25).map((x) => ({
      ...x,
      link: links.index(i.serverId, name, x.schemaname, x.indexrelname),
    }));
    return {
      summary: `${indexes.length} of ${all.length} indexes in ${name}${i.issues ? ` flagged ${i.issues.join(' or ')}` : ''}.`,
      data: { database: name, total: all.length, indexes },
      links: [{ label: `Database ${name}`, url: links.database(i.serverId, name) }],
    };
  },
});
