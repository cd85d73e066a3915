import { z } from 'zod';
import type { Queryable } from '../client';
import {
  databaseIndexesInput,
  listDatabaseIndexes,
  type DatabaseIndex,
} from './list-database-indexes';
import {
  databaseTablesInput,
  listDatabaseTables,
  type DatabaseTable,
} from './list-database-tables';
import { parseInput } from './parse';

/**
 * Rows per page of a database's tables and of its indexes on the database page: drawing
 * all 200 sampled tables and 300 indexes cost the browser ~320 ms of style and layout.
 */
export const OBJECT_PAGE_SIZE = 50;

const pageInput = z.object({
  // from a URL: anything but a positive integer is the first page, a page past the end the last
  page: z.coerce.number().int().positive().catch(1),
  size: z.number().int().min(1).max(500).default(OBJECT_PAGE_SIZE),
  /** a case-insensitive part of `schema.name` (an index also matches by its table's name) */
  name: z.string().trim().max(200).catch('').default(''),
});

type PageInput = z.input<typeof pageInput>;

export type ObjectPage<T> = {
  rows: T[];
  page: number;
  pages: number;
  /** 1-based position of the page's first row among the matching ones (0 when none match) */
  first: number;
  /** rows matching the name filter */
  matched: number;
  /** rows before the filter */
  total: number;
};

/** One page of `rows` (already in their order) after the name filter. */
export function pageRows<T>(
  rows: readonly T[],
  input: PageInput,
  matches: (row: T, needle: string) => boolean,
): ObjectPage<T> {
  const p = parseInput(pageInput, input);
  const needle = p.name.toLowerCase();
  const hits = needle ? rows.filter((r) => matches(r, needle)) : rows;
  const pages = Math.max(1, Math.ceil(hits.length / p.size));
  const page = Math.min(p.page, pages);
  const start = (page - 1) * p.size;
  return {
    rows: hits.slice(start, start + p.size),
    page,
    pages,
    first: hits.length ? start + 1 : 0,
    matched: hits.length,
    total: rows.length,
  };
}

const has = (needle: string, ...names: (string | null)[]) =>
  names.some((n) => n?.toLowerCase().includes(needle));

/**
 * One page of a database's tables in the `sort` order; the "(others)" row (the tables
 * beyond the sampled ones, summed) keeps its place in the order and matches no name.
 */
export async function pageDatabaseTables({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: Omit<z.input<typeof databaseTablesInput>, 'sort'> & { sort?: string } & PageInput;
  at: Date;
}): Promise<ObjectPage<DatabaseTable>> {
  const { page, size, name, ...list } = input;
  const tables = await listDatabaseTables({ db, input: list, at });
  return pageRows(
    tables,
    { page, size, name },
    (t, needle) => t.relname !== '(others)' && has(needle, `${t.schemaname}.${t.relname}`),
  );
}

/** One page of a database's indexes, largest first; a name matches the index or its table. */
export async function pageDatabaseIndexes({
  db,
  input,
  at,
}: {
  db: Queryable;
  input: z.input<typeof databaseIndexesInput> & PageInput;
  at: Date;
}): Promise<ObjectPage<DatabaseIndex>> {
  const { page, size, name, ...list } = input;
  const indexes = await listDatabaseIndexes({ db, input: list, at });
  return pageRows(indexes, { page, size, name }, (i, needle) =>
    has(needle, `${i.schemaname}.${i.indexrelname}`, i.relname),
  );
}
