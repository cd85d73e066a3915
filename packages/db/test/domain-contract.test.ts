import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKED_COLUMNS } from '@pgvigil/db';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

/** The SQL CHECKs and the TypeScript closed sets must list the same values. */
describe.each(testMajors().slice(-1))('closed sets match the schema on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
  });
  afterAll(() => ds.drop());

  it.each(Object.entries(CHECKED_COLUMNS))('%s', async (qualified, values) => {
    const [table, column] = qualified.split('.') as [string, string];
    const rows = await ds.db.query<{ def: string }>(
      `SELECT pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND a.attname = $2`,
      [table, column],
    );
    const listed = rows
      .flatMap((r) => [...r.def.matchAll(/'([^']+)'::text/g)].map((m) => m[1]))
      .filter((v): v is string => Boolean(v));
    expect(new Set(listed)).toEqual(new Set(values));
  });
});
