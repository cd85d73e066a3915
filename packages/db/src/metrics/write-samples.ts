import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../client';
import { ident } from '../client';
import { mapPgError } from '../errors';
import { tableColumns, type MetricSpec } from '@pgvigil/schema/metric-spec';

/** One probe run's rows for one server (and database, for database-scope probes). */
export interface Sample {
  collectedAt: Date;
  serverId: number;
  database?: string;
  rows: readonly Record<string, unknown>[];
}

export interface SampleBatch {
  spec: Pick<MetricSpec, 'name' | 'scope' | 'columns'>;
  samples: readonly Sample[];
}

const SPECIAL = /[\\\t\n\r]/;

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
function escapeText(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text.replace(/[\\\t\n\r]/g, (ch) =>
    ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r',
  );
}

/** One value as COPY text; exported for the contract test. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeText(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'object') return escapeText(JSON.stringify(value));
  return escapeText(String(value as string));
}

/** Chunks of COPY data handed to the socket at once: large writes, few CopyData messages. */
const CHUNK_CHARS = 256 * 1024;

/**
 * The COPY text of one batch, implicit columns first, in chunks of about 256 KB:
 * one string per row would cost one stream write and one CopyData message each.
 */
export function* copyText(batch: SampleBatch): Generator<string> {
  const own = batch.spec.columns.map((c) => c.name);
  const database = batch.spec.scope === 'database';
  let chunk = '';
  for (const s of batch.samples) {
    // the implicit columns are the same for every row of a sample
    let prefix = `${s.collectedAt.toISOString()}\t${s.serverId}`;
    if (database) prefix += `\t${copyValue(s.database)}`;
    for (const row of s.rows) {
      let line = prefix;
      for (const name of own) line += '\t' + copyValue(row[name]);
      chunk += line + '\n';
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  }
  if (chunk) yield chunk;
}

/** The COPY text lines of one batch, one per row (tests and benchmarks). */
export function copyLines(batch: SampleBatch): string[] {
  return [...copyText(batch)].join('').split(/(?<=\n)/);
}

const rowCount = (batch: SampleBatch) => batch.samples.reduce((n, s) => n + s.rows.length, 0);

/**
 * Writes every batch with one COPY per table, all in one transaction, so a
 * datastore failure leaves nothing half-written and the caller can retry the lot.
 * Returns the number of rows written.
 */
export async function writeSamples(db: Db, batches: readonly SampleBatch[]): Promise<number> {
  let written = 0;
  await db.tx(async ({ client }) => {
    for (const batch of batches) {
      const rows = rowCount(batch);
      if (rows === 0) continue;
      const cols = tableColumns(batch.spec).map(ident).join(', ');
      const stream = client.query(
        copyFrom(`COPY metrics.${ident(batch.spec.name)} (${cols}) FROM STDIN`),
      );
      try {
        await pipeline(Readable.from(copyText(batch), { objectMode: false }), stream);
      } catch (err) {
        throw mapPgError(err);
      }
      written += rows;
    }
  });
  return written;
}
