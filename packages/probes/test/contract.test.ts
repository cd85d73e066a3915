import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMetricTable, SQL_TYPES, tableColumns, writeSamples } from '@pgvigil/db/metrics';
import {
  freshDatabase,
  freshDatastore,
  allMajors,
  type TestDatabase,
  type TestDatastore,
} from '@pgvigil/db/testing';
import { PROBES } from '../src/index';
import { loadFixture, probeSession, runAll } from './helpers';

describe.each(allMajors())('probe rows vs metric tables on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  let target: TestDatabase;
  const at = new Date();

  beforeAll(async () => {
    ds = await freshDatastore(major);
    target = await freshDatabase(major, 'contract');
    await loadFixture(target.url);
    for (const p of PROBES) await ensureMetricTable(ds.db, p, at);
  });
  afterAll(async () => {
    await ds?.drop();
    await target?.drop();
  });

  it('every probe table has exactly the implicit columns plus the probe columns, typed', async () => {
    const rows = await ds.db.query<{ table_name: string; cols: string[] }>(
      `SELECT c.relname AS table_name,
              array_agg(a.attname || ':' || format_type(a.atttypid, NULL) ORDER BY a.attnum) AS cols
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = 'metrics' AND c.relkind = 'p'
        GROUP BY c.relname`,
    );
    const actual = new Map(rows.map((r) => [r.table_name, r.cols]));
    for (const p of PROBES) {
      const implicitTypes: Record<string, string> = {
        collected_at: 'timestamp with time zone',
        server_id: 'bigint',
        database_name: 'text',
        keyframe: 'boolean',
      };
      const expected = tableColumns(p).map((name) => {
        const col = p.columns.find((c) => c.name === name);
        const type = col ? SQL_TYPES[col.type] : implicitTypes[name];
        return `${name}:${type === 'timestamptz' ? 'timestamp with time zone' : type}`;
      });
      expect(actual.get(p.name), p.name).toEqual(expected);
    }
  });

  it("a real run's rows COPY into every table", async () => {
    const { client, ctx } = await probeSession(target.url);
    try {
      const results = await runAll(client, ctx, PROBES);
      const batches = PROBES.flatMap((spec) => {
        const r = results.get(spec.name);
        if (r?.status !== 'ok') return [];
        return [
          {
            spec,
            samples: [{ collectedAt: at, serverId: 1, database: target.name, rows: r.rows }],
          },
        ];
      });
      expect(batches.length).toBeGreaterThanOrEqual(40);
      const expected = batches.reduce((n, b) => n + (b.samples[0]?.rows.length ?? 0), 0);
      expect(await writeSamples(ds.db, batches)).toBe(expected);
    } finally {
      await client.end();
    }
  });
});
