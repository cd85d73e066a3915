import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyText,
  ensureMetricTable,
  writeSamples,
  type MetricSpec,
  type SampleBatch,
} from '@pgvigil/db/metrics';
import { freshDatastore, testMajors, type TestDatastore } from '@pgvigil/db/testing';

// One column of every type a probe can declare, plus the implicit database column.
const spec: MetricSpec = {
  name: 'test_copy_formats',
  scope: 'database',
  intervalSeconds: 60,
  retentionDays: 7,
  changeTracked: false,
  columns: [
    { name: 'label', type: 'text', key: true },
    { name: 'small', type: 'int' },
    { name: 'big', type: 'bigint', counter: true },
    { name: 'ratio', type: 'double' },
    { name: 'flag', type: 'boolean' },
    { name: 'seen', type: 'timestamptz' },
    { name: 'detail', type: 'jsonb' },
  ],
};

const t0 = new Date('2026-03-10T10:00:00.123Z');

// Values the probes really hand over: node-pg's numbers, strings, Dates, Infinity for
// an infinite timestamp, JSON as objects or as text; and what COPY text must escape.
const rows: Record<string, unknown>[] = [
  {
    label: 'tab\there, back\\slash, new\nline, cr\r, ünïcödé ✓',
    small: -2147483648,
    big: 9007199254740991,
    ratio: 0.1,
    flag: true,
    seen: new Date('1999-12-31T23:59:59.999Z'),
    detail: { nested: ['a', 1, null] },
  },
  {
    label: 'negatives and text numbers',
    small: '42',
    big: '-9223372036854775808',
    ratio: 'NaN',
    flag: 'f',
    seen: Infinity,
    detail: '"a JSON string"',
  },
  {
    label: 'nulls',
    small: null,
    big: undefined,
    ratio: -1.5e300,
    flag: false,
    seen: -Infinity,
    detail: null,
  },
  { label: '', small: 0, big: -1, ratio: Infinity, flag: null, seen: '2026-01-01T00:00:00Z' },
];

const batch = (serverId: number, database?: string): SampleBatch => ({
  spec,
  samples: [{ collectedAt: t0, serverId, ...(database ? { database } : {}), rows }],
});

describe.each(testMajors())('COPY formats on PostgreSQL %i', (major) => {
  let ds: TestDatastore;
  const read = (serverId: number) =>
    ds.db.query(
      `SELECT collected_at, database_name, label, small, big::text AS big, ratio::text AS ratio,
              flag, seen::text AS seen, detail
         FROM metrics.test_copy_formats WHERE server_id = $1 ORDER BY label`,
      [serverId],
    );

  beforeAll(async () => {
    ds = await freshDatastore(major);
    await ensureMetricTable(ds.db, spec, t0);
  });
  afterAll(() => ds.drop());

  it('stores the same values through binary COPY as through COPY text', async () => {
    expect(await writeSamples(ds.db, [batch(1, 'app')])).toBe(rows.length);
    // the reference: COPY text of the same rows, as writeSamples wrote before binary COPY
    await ds.db.tx(async ({ client }) => {
      const cols =
        'collected_at, server_id, database_name, label, small, big, ratio, flag, seen, detail';
      const stream = client.query(copyFrom(`COPY metrics.test_copy_formats (${cols}) FROM STDIN`));
      await pipeline(Readable.from(copyText(batch(2, 'app')), { objectMode: false }), stream);
    });
    const binary = await read(1);
    expect(binary).toHaveLength(rows.length);
    expect(binary).toEqual(await read(2));
    expect(binary.find((r) => r.label === 'nulls')).toMatchObject({ small: null, big: null });
    expect(binary.find((r) => r.label === 'negatives and text numbers')).toMatchObject({
      big: '-9223372036854775808',
      seen: 'infinity',
      detail: 'a JSON string',
    });
  });

  it('falls back to COPY text for a column type it has no binary encoder for', async () => {
    await ds.db.query('ALTER TABLE metrics.test_copy_formats ALTER COLUMN ratio TYPE numeric');
    try {
      await writeSamples(ds.db, [batch(3, 'app')]);
      expect((await read(3)).map((r) => r.ratio)).toEqual((await read(2)).map((r) => r.ratio));
    } finally {
      await ds.db.query(
        'ALTER TABLE metrics.test_copy_formats ALTER COLUMN ratio TYPE double precision',
      );
    }
  });

  it('refuses a value its column cannot hold, and writes nothing of the flush', async () => {
    const bad: SampleBatch = {
      spec,
      samples: [
        { collectedAt: t0, serverId: 4, database: 'app', rows: [{ label: 'x', big: 1.5 }] },
      ],
    };
    await expect(writeSamples(ds.db, [batch(4, 'app'), bad])).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      writeSamples(ds.db, [
        { spec, samples: [{ ...bad.samples[0]!, rows: [{ small: 2 ** 31 }] }] },
      ]),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await read(4)).toEqual([]);
  });
});
