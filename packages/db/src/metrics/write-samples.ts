import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../client';
import { ident } from '../client';
import { mapClientError } from '../errors';
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

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
function escapeText(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (ch) =>
    ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r',
  );
}

/** One value as COPY text; exported for the contract test. */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object') return escapeText(JSON.stringify(value));
  return escapeText(String(value));
}

/** The COPY text lines of one batch, implicit columns first. */
export function copyLines(batch: SampleBatch): string[] {
  const own = batch.spec.columns.map((c) => c.name);
  const lines: string[] = [];
  for (const s of batch.samples) {
    const implicit: unknown[] = [s.collectedAt, s.serverId];
    if (batch.spec.scope === 'database') implicit.push(s.database ?? null);
    for (const row of s.rows) {
      lines.push([...implicit, ...own.map((n) => row[n])].map(copyValue).join('\t') + '\n');
    }
  }
  return lines;
}

/**
 * Writes every batch with one COPY per table, all in one transaction, so a
 * datastore failure leaves nothing half-written and the caller can retry the lot.
 * With a `writeId`, the write is recorded in the same transaction and a retry with
 * that id writes nothing when the first attempt did commit (its answer lost with
 * the connection). Returns the number of rows written.
 */
export async function writeSamples(
  db: Db,
  batches: readonly SampleBatch[],
  options: { writeId?: string } = {},
): Promise<number> {
  let written = 0;
  await db.tx(async ({ client, query }) => {
    if (options.writeId) {
      const fresh = await query(
        `INSERT INTO ingest_ledger (write_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1`,
        [options.writeId],
      );
      if (fresh.length === 0) return;
    }
    for (const batch of batches) {
      const lines = copyLines(batch);
      if (lines.length === 0) continue;
      const cols = tableColumns(batch.spec).map(ident).join(', ');
      const stream = client.query(
        copyFrom(`COPY metrics.${ident(batch.spec.name)} (${cols}) FROM STDIN`),
      );
      try {
        await pipeline(Readable.from(lines), stream);
      } catch (err) {
        throw mapClientError(err);
      }
      written += lines.length;
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
