import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, Queryable } from '../client';
import { ident } from '../client';
import { mapClientError } from '../errors';
import { tableColumns, type MetricSpec } from '@pgvigil/schema/metric-spec';
import { binaryEncodable, copyBinary } from './copy-binary';

/** One probe run's rows for one server (and database, for database-scope probes). */
export interface Sample {
  collectedAt: Date;
  serverId: number;
  database?: string;
  rows: readonly Record<string, unknown>[];
  /**
   * sparse probes: false when the sample holds only the rows that moved (the collector's
   * sparse filter); otherwise it holds every row of its run, a keyframe (MetricSpec.sparse)
   */
  keyframe?: boolean;
}

export interface SampleBatch {
  spec: Pick<MetricSpec, 'name' | 'scope' | 'columns' | 'sparse'>;
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
    const suffix = batch.spec.sparse ? (s.keyframe === false ? '\tf\n' : '\tt\n') : '\n';
    for (const row of s.rows) {
      let line = prefix;
      for (const name of own) line += '\t' + copyValue(row[name]);
      chunk += line + suffix;
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

/** The datastore's type name of every column of some metric tables: table -> column -> type. */
async function columnTypes(
  q: Queryable,
  tables: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const rows = await q.query<{ table_name: string; attname: string; typname: string }>(
    `SELECT c.relname AS table_name, a.attname, t.typname
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = 'metrics' AND c.relname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [tables],
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const table = out.get(r.table_name) ?? new Map<string, string>();
    table.set(r.attname, r.typname);
    out.set(r.table_name, table);
  }
  return out;
}

/**
 * Writes every batch with one COPY per table, all in one transaction, so a
 * datastore failure leaves nothing half-written and the caller can retry the lot.
 * COPY is binary when the datastore's column types allow it (the server parses no
 * text), text otherwise. With a `writeId`, the write is recorded in the same
 * transaction and a retry with that id writes nothing when the first attempt did
 * commit (its answer lost with the connection). Returns the number of rows written.
 */
export async function writeSamples(
  db: Db,
  batches: readonly SampleBatch[],
  options: { writeId?: string } = {},
): Promise<number> {
  const todo = batches.filter((b) => rowCount(b) > 0);
  if (todo.length === 0) return 0;
  let written = 0;
  await db.tx(async (q) => {
    if (options.writeId) {
      const fresh = await q.query(
        `INSERT INTO ingest_ledger (write_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1`,
        [options.writeId],
      );
      if (fresh.length === 0) return;
    }
    const types = await columnTypes(
      q,
      todo.map((b) => b.spec.name),
    );
    for (const batch of todo) {
      const columns = tableColumns(batch.spec);
      const have = types.get(batch.spec.name);
      const typeNames = columns.map((c) => have?.get(c) ?? '');
      const binary = binaryEncodable(typeNames);
      const stream = q.client.query(
        copyFrom(
          `COPY metrics.${ident(batch.spec.name)} (${columns.map(ident).join(', ')}) FROM STDIN${binary ? ' (FORMAT binary)' : ''}`,
        ),
      );
      const data = binary ? copyBinary(batch, columns, typeNames) : copyText(batch);
      try {
        await pipeline(Readable.from(data, { objectMode: false }), stream);
      } catch (err) {
        throw mapClientError(err);
      }
      written += rowCount(batch);
    }
  });
  return written;
}

/** Forgets ledger rows older than `before`: a retry comes long before that. */
export async function pruneIngestLedger(db: Db, before: Date): Promise<number> {
  const rows = await db.query('DELETE FROM ingest_ledger WHERE written_at < $1 RETURNING 1', [
    before,
  ]);
  return rows.length;
}
