import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapPgError, ValidationError } from '@pgvigil/db';
import {
  ensureMetricTable,
  readLastSnapshot,
  writeSamples,
  type MetricSpec,
} from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

const extensions: MetricSpec = {
  name: 'test_extensions',
  scope: 'database',
  intervalSeconds: 3600,
  retentionDays: 365,
  changeTracked: true,
  columns: [
    { name: 'extname', type: 'text', key: true },
    { name: 'extversion', type: 'text' },
    { name: 'config', type: 'jsonb' },
  ],
};
const t0 = new Date('2026-03-10T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe.each(testMajors())('collector settings and snapshots on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  beforeAll(async () => {
    ds = await freshDatastore(major);
  });
  afterAll(() => ds.drop());

  it('takes a retention only at global scope: partitions are shared by all servers', async () => {
    const insert = (scope: string, scopeId: number | null, column: string) =>
      ds.db
        .query(
          `INSERT INTO probe_settings (probe, scope_type, scope_id, ${column}) VALUES ('tables', $1, $2, 30)`,
          [scope, scopeId],
        )
        .catch((err: unknown) => {
          throw mapPgError(err);
        });
    await insert('global', null, 'retention_days');
    await expect(insert('server', 1, 'retention_days')).rejects.toBeInstanceOf(ValidationError);
    await expect(insert('cluster', 1, 'retention_days')).rejects.toBeInstanceOf(ValidationError);
    // intervals and enabling are per server and cluster
    await insert('server', 1, 'interval_seconds');
  });

  it('reads the latest stored snapshot of one server and database', async () => {
    await ensureMetricTable(ds.db, extensions, t0);
    expect(await readLastSnapshot(ds.db, extensions, 1, 'app')).toBeNull();
    const sample = (minutes: number, database: string, version: string) => ({
      collectedAt: at(minutes),
      serverId: 1,
      database,
      rows: [
        { extname: 'plpgsql', extversion: '1.0', config: { b: 1, a: [2] } },
        { extname: 'pg_trgm', extversion: version, config: null },
      ],
    });
    await writeSamples(ds.db, [
      {
        spec: extensions,
        samples: [sample(0, 'app', '1.5'), sample(10, 'app', '1.6'), sample(20, 'other', '1.7')],
      },
    ]);
    const last = await readLastSnapshot(ds.db, extensions, 1, 'app');
    expect(last?.collectedAt).toEqual(at(10));
    expect(last?.rows).toHaveLength(2);
    expect(last?.rows).toEqual(
      expect.arrayContaining([
        { extname: 'plpgsql', extversion: '1.0', config: { a: [2], b: 1 } },
        { extname: 'pg_trgm', extversion: '1.6', config: null },
      ]),
    );
    expect(await readLastSnapshot(ds.db, extensions, 2, 'app')).toBeNull();
  });
});
