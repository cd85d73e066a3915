import { z } from 'zod';
import type { Queryable } from '../client';
import { NotFoundError } from '../errors';
import { listActiveAlerts, type ActiveAlert } from './list-active-alerts';
import { listDatabaseIndexes, type DatabaseIndex } from './list-database-indexes';
import { listDatabaseTables, type DatabaseTable } from './list-database-tables';
import { listSchemaChanges, type SchemaChange } from './list-schema-changes';
import { objectKey } from './latest-rows';
import { parseInput } from './parse';

export const objectDetailInput = z.object({
  serverId: z.coerce.number().int().positive(),
  database: z.string().min(1).max(200),
  schema: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
});
type Input = { db: Queryable; input: z.input<typeof objectDetailInput>; at: Date };

export type TableDetail = {
  table: DatabaseTable;
  indexes: DatabaseIndex[];
  changes: SchemaChange[];
  alerts: ActiveAlert[];
};

/** One table as of its newest sample: its facts, its indexes, its DDL history, the alerts about it. */
export async function getTableDetail({ db, input, at }: Input): Promise<TableDetail> {
  const i = parseInput(objectDetailInput, input);
  const base = { serverId: i.serverId, database: i.database };
  const [tables, indexes, changes, alerts] = await Promise.all([
    listDatabaseTables({ db, input: base, at }),
    listDatabaseIndexes({ db, input: { ...base, schema: i.schema, table: i.name }, at }),
    listSchemaChanges({ db, input: { ...base, schema: i.schema, name: i.name } }),
    alertsAbout(db, i),
  ]);
  const table = tables.find((t) => t.schemaname === i.schema && t.relname === i.name);
  if (!table) {
    throw new NotFoundError(
      `table ${objectKey(i.schema, i.name)}`,
      'Only the largest 200 tables of a database are sampled; smaller ones are summed as "(others)".',
    );
  }
  return { table, indexes, changes, alerts };
}

export type IndexDetail = { index: DatabaseIndex; alerts: ActiveAlert[] };

/** One index as of its newest sample, with its flags and the alerts about it. */
export async function getIndexDetail({ db, input, at }: Input): Promise<IndexDetail> {
  const i = parseInput(objectDetailInput, input);
  const [indexes, alerts] = await Promise.all([
    listDatabaseIndexes({ db, input: { serverId: i.serverId, database: i.database }, at }),
    alertsAbout(db, i),
  ]);
  const index = indexes.find((x) => x.schemaname === i.schema && x.indexrelname === i.name);
  if (!index) {
    throw new NotFoundError(
      `index ${objectKey(i.schema, i.name)}`,
      'Only the largest 300 indexes of a database are sampled.',
    );
  }
  return { index, alerts };
}

function alertsAbout(db: Queryable, i: z.output<typeof objectDetailInput>) {
  return listActiveAlerts({
    db,
    input: {
      serverId: i.serverId,
      databaseName: i.database,
      objectKey: objectKey(i.schema, i.name),
    },
  });
}
