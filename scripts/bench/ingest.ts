// Ingest: sample rows per second into the partitioned metric tables (COPY through
// writeSamples, one transaction per flush), against a plain COPY of the same rows
// into an unlogged, unindexed table in the same run: the physical limit.
//   npx tsx scripts/bench/ingest.ts          (BENCH_INGEST_ROWS=300000)
import { createDb, migrate } from '@pgvigil/db';
import {
  copyLines,
  ensureMetricTable,
  tableColumns,
  writeSamples,
  SQL_TYPES,
  type SampleBatch,
} from '@pgvigil/db/metrics';
import { getProbe } from '@pgvigil/probes';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { benchServer, fmt } from './lib';

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 300_000);
const TABLES_PER_SAMPLE = 1000;
const SAMPLES_PER_FLUSH = 5;

export async function benchIngest(): Promise<{ ratio: number; rowsPerSecond: number }> {
  const spec = getProbe('tables')!;
  const { server, done } = await benchServer('ingest');
  const db = createDb({ url: server.url(), applicationName: 'pgvigil-bench', max: 2 });
  try {
    await migrate(db);
    const now = new Date();
    await ensureMetricTable(db, spec, now);
    const value = (c: (typeof spec.columns)[number], i: number, t: number): unknown =>
      c.key
        ? `${c.name}_${i}`
        : c.type === 'timestamptz'
          ? now
          : c.type === 'text'
            ? 'x'
            : t * 10 + i;
    const flushes: SampleBatch[][] = [];
    const samples = Math.ceil(ROWS / TABLES_PER_SAMPLE);
    for (let s = 0; s < samples; s += SAMPLES_PER_FLUSH) {
      const batch = { spec, samples: [] as SampleBatch['samples'][number][] };
      for (let k = s; k < Math.min(s + SAMPLES_PER_FLUSH, samples); k++) {
        batch.samples.push({
          collectedAt: new Date(now.getTime() - (samples - k) * 1000),
          serverId: 1 + (k % 10),
          database: 'app',
          rows: Array.from({ length: TABLES_PER_SAMPLE }, (_, i) =>
            Object.fromEntries(spec.columns.map((c) => [c.name, value(c, i, k)])),
          ),
        });
      }
      flushes.push([batch]);
    }
    const total = flushes
      .flat()
      .reduce((n, b) => n + b.samples.reduce((m, s) => m + s.rows.length, 0), 0);

    // Reference: the same COPY text into an unlogged table without indexes or partitions.
    const cols = tableColumns(spec);
    const types = cols.map((name) => {
      const c = spec.columns.find((x) => x.name === name);
      return `"${name}" ${c ? SQL_TYPES[c.type] : name === 'collected_at' ? 'timestamptz' : name === 'server_id' ? 'bigint' : 'text'}`;
    });
    await db.query(`CREATE UNLOGGED TABLE ref_copy (${types.join(', ')})`);
    const refStart = performance.now();
    for (const flush of flushes) {
      await db.tx(async ({ client }) => {
        const stream = client.query(copyFrom(`COPY ref_copy FROM STDIN`));
        await pipeline(Readable.from(flush.flatMap(copyLines)), stream);
      });
    }
    const refSeconds = (performance.now() - refStart) / 1000;

    const start = performance.now();
    for (const flush of flushes) await writeSamples(db, flush);
    const seconds = (performance.now() - start) / 1000;

    const rowsPerSecond = total / seconds;
    const refPerSecond = total / refSeconds;
    const ratio = rowsPerSecond / refPerSecond;
    console.log(
      `ingest: ${fmt(total)} rows of metrics.tables (${spec.columns.length + 3} columns), ${SAMPLES_PER_FLUSH * TABLES_PER_SAMPLE} rows per flush`,
    );
    console.log(
      `  pgvigil writeSamples (partitioned, indexed, logged): ${fmt(rowsPerSecond)} rows/s`,
    );
    console.log(
      `  reference COPY (unlogged, no index):                 ${fmt(refPerSecond)} rows/s`,
    );
    console.log(`  ratio ${fmt(ratio, 2)} (target >= 0.5)`);
    return { ratio, rowsPerSecond };
  } finally {
    await db.close();
    await done();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchIngest();
