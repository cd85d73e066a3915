// Ingest: sample rows per second into the partitioned metric tables through writeSamples
// (what the collector does on every flush: one transaction, one COPY per table), against
// the physical limit measured in the same run: psql's \copy of the same rows, as text,
// into an unlogged table without index or partitions. Also printed: the same \copy into
// a metric table like writeSamples' (the server's share of the cost) and the CPU the
// writing process spends per 1,000 rows (the collector's share).
//   npx tsx scripts/bench/ingest.ts   (BENCH_INGEST_ROWS=300000, BENCH_INGEST_ROUNDS=5)
// psql: PGVIGIL_PSQL, or Debian's /usr/lib/postgresql/<major>/bin/psql; the datastore runs
// that major, so the reference is the psql of the same PostgreSQL.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDb, migrate, type Db } from '@pgvigil/db';
import { SUPPORTED_MAJORS, type Major } from '@pgvigil/db/embedded';
import {
  copyLines,
  ensureMetricTable,
  tableColumns,
  writeSamples,
  SQL_TYPES,
  type SampleBatch,
} from '@pgvigil/db/metrics';
import { getProbe } from '@pgvigil/probes';
import { benchServer, fmt } from './lib';

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 5);
const TABLES_PER_SAMPLE = 1000;
const SAMPLES_PER_FLUSH = 5;
const run = promisify(execFile);

/** psql and the PostgreSQL major it belongs to, or null when there is none. */
async function findPsql(): Promise<{ psql: string; major: Major } | null> {
  const given = process.env.PGVIGIL_PSQL;
  if (given) {
    const { stdout } = await run(given, ['--version']);
    const major = Number(/(\d+)\.\d+/.exec(stdout)?.[1]);
    if (!SUPPORTED_MAJORS.includes(major as Major)) throw new Error(`${given}: ${stdout.trim()}`);
    return { psql: given, major: major as Major };
  }
  for (const major of [...SUPPORTED_MAJORS].reverse()) {
    const psql = `/usr/lib/postgresql/${major}/bin/psql`;
    if (existsSync(psql)) return { psql, major };
  }
  return null;
}

/** The benchmark's flushes: 1,000 tables per sample, five samples per flush, ten servers. */
function flushesOf(spec: NonNullable<ReturnType<typeof getProbe>>, now: Date): SampleBatch[][] {
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
  return flushes;
}

export interface IngestFigures {
  ratio: number;
  rowsPerSecond: number;
  referencePerSecond: number;
  cpuMsPer1000Rows: number;
}

export async function benchIngest(): Promise<IngestFigures | null> {
  const found = await findPsql();
  if (!found) {
    console.log(
      'ingest: skipped, no psql (apt-get install postgresql-client-18, or set PGVIGIL_PSQL)',
    );
    return null;
  }
  const spec = getProbe('tables')!;
  const { server, done } = await benchServer('ingest', {}, found.major);
  const db = createDb({ url: server.url(), applicationName: 'pgvigil-bench', max: 2 });
  const dir = await mkdtemp(path.join(tmpdir(), 'pgvigil-bench-ingest-'));
  try {
    await migrate(db);
    const now = new Date();
    await ensureMetricTable(db, spec, now);
    // the same table again for psql: partitioned, indexed and logged like writeSamples' target
    await ensureMetricTable(db, { ...spec, name: 'tables_psql' }, now);
    const flushes = flushesOf(spec, now);
    const total = flushes
      .flat()
      .reduce((n, b) => n + b.samples.reduce((m, s) => m + s.rows.length, 0), 0);

    const cols = tableColumns(spec);
    const types = cols.map((name) => {
      const c = spec.columns.find((x) => x.name === name);
      return `"${name}" ${c ? SQL_TYPES[c.type] : name === 'collected_at' ? 'timestamptz' : name === 'server_id' ? 'bigint' : 'text'}`;
    });
    await db.query(`CREATE UNLOGGED TABLE ref_copy (${types.join(', ')})`);
    // one file per flush and one \copy (one transaction) each, in one psql session
    const script = path.join(dir, 'copy.sql');
    const scriptFor = async (table: string) => {
      const lines: string[] = [];
      for (const [i, flush] of flushes.entries()) {
        const file = path.join(dir, `flush${i}.txt`);
        if (!existsSync(file)) await writeFile(file, flush.flatMap(copyLines).join(''));
        lines.push(`\\copy ${table} (${cols.join(', ')}) FROM '${file}'`);
      }
      await writeFile(script, lines.join('\n') + '\n');
    };
    const psql = async (table: string): Promise<number> => {
      await scriptFor(table);
      const t = performance.now();
      await run(found.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script, server.url()], {
        maxBuffer: 1 << 20,
      });
      return total / ((performance.now() - t) / 1000);
    };
    const viaWriteSamples = async (): Promise<{ perSecond: number; cpuMs: number }> => {
      const cpu = process.cpuUsage();
      const t = performance.now();
      for (const flush of flushes) await writeSamples(db, flush);
      const seconds = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      return { perSecond: total / seconds, cpuMs: (used.user + used.system) / 1000 };
    };
    const truncate = (d: Db) =>
      d.query('TRUNCATE ref_copy, metrics.tables, metrics.tables_psql; CHECKPOINT');

    // Rounds interleave the three paths on a shared machine; each path keeps its best round.
    const best = { reference: 0, psqlMetric: 0, ours: 0, cpuMs: Infinity };
    for (let r = 0; r < ROUNDS; r++) {
      await truncate(db);
      best.reference = Math.max(best.reference, await psql('ref_copy'));
      best.psqlMetric = Math.max(best.psqlMetric, await psql('metrics.tables_psql'));
      const ours = await viaWriteSamples();
      best.ours = Math.max(best.ours, ours.perSecond);
      best.cpuMs = Math.min(best.cpuMs, ours.cpuMs);
    }
    const ratio = best.ours / best.reference;
    const cpuMsPer1000Rows = best.cpuMs / (total / 1000);
    console.log(
      `ingest: ${fmt(total)} rows of metrics.tables (${cols.length} columns), ${SAMPLES_PER_FLUSH * TABLES_PER_SAMPLE} rows per flush, PostgreSQL ${found.major}, best of ${ROUNDS} rounds`,
    );
    console.log(
      `  pgvigil writeSamples (partitioned, indexed, logged):   ${fmt(best.ours)} rows/s`,
    );
    console.log(
      `  psql \\copy into the same kind of metric table:         ${fmt(best.psqlMetric)} rows/s`,
    );
    console.log(
      `  reference psql \\copy (text, unlogged, no index):      ${fmt(best.reference)} rows/s`,
    );
    console.log(
      `  ratio ${fmt(ratio, 2)} (target >= 0.5); writing process CPU ${fmt(cpuMsPer1000Rows, 1)} ms per 1,000 rows`,
    );
    return {
      ratio,
      rowsPerSecond: best.ours,
      referencePerSecond: best.reference,
      cpuMsPer1000Rows,
    };
  } finally {
    await db.close();
    await done();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchIngest();
