// The collector's sample buffer: memory per buffered row, to size
// PGVIGIL_COLLECTOR_BUFFER_ROWS (docs/operations.md). Rows shaped like each probe's
// (its columns, with numbers, text keys and dates), for a narrow probe, a typical
// per-database one and the widest per-table one; the heap measured after a full GC.
// `npm run bench` runs it in a process of its own; alone:
//   npx tsx apps/collector/src/cli/buffer-memory.ts [rows, default 200000]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MetricSpec } from '@pgvigil/db/metrics';
import { getProbe } from '@pgvigil/probes';
import { SampleBuffer } from '../sample-buffer';

const ROWS = Number(process.argv[2] ?? 200_000);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
/** rows per sample: one per server, one per database, a few hundred tables */
const SHAPES = [
  { probe: 'connectivity', rowsPerSample: 1 },
  { probe: 'database_stats', rowsPerSample: 1 },
  { probe: 'tables', rowsPerSample: 200 },
] as const;

function collectGarbage(): () => void {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

function value(c: MetricSpec['columns'][number], i: number, k: number): unknown {
  if (c.key) return `public.${c.name}_${i}`;
  switch (c.type) {
    case 'int':
    case 'bigint':
    case 'double':
      return k * 1000 + i + 0.5 * (i % 2);
    case 'text':
      return 'idle';
    case 'boolean':
      return i % 2 === 0;
    case 'timestamptz':
      return new Date(1_700_000_000_000 + k * 1000);
    case 'jsonb':
      return { k };
  }
}

/** Heap bytes per row of a buffer filled with samples of one shape (the buffer is gone after). */
function measure(shape: (typeof SHAPES)[number], gc: () => void): number {
  const spec = getProbe(shape.probe)!;
  gc();
  const before = process.memoryUsage().heapUsed;
  const buffer = new SampleBuffer(ROWS);
  for (let k = 0; buffer.rows + shape.rowsPerSample <= ROWS; k++) {
    buffer.add(spec, {
      collectedAt: new Date(1_700_000_000_000 + k * 1000),
      serverId: 1 + (k % 20),
      database: 'app',
      rows: Array.from({ length: shape.rowsPerSample }, (_, i) =>
        Object.fromEntries(spec.columns.map((c) => [c.name, value(c, i, k)])),
      ),
    });
  }
  gc();
  const perRow = (process.memoryUsage().heapUsed - before) / buffer.rows;
  if (buffer.dropped !== 0) throw new Error('the buffer dropped rows below its bound');
  return perRow;
}

function benchBufferMemory(): Record<string, number> {
  const gc = collectGarbage();
  const out: Record<string, number> = {};
  console.log(`buffer memory: ${fmt(ROWS)} rows buffered per probe shape`);
  for (const shape of SHAPES) {
    const perRow = measure(shape, gc);
    out[shape.probe] = perRow;
    const columns = getProbe(shape.probe)!.columns.length;
    console.log(
      `  ${shape.probe} (${columns} columns, ${shape.rowsPerSample} row(s) a sample): ${fmt(perRow)} bytes a row`,
    );
  }
  return out;
}

benchBufferMemory();
