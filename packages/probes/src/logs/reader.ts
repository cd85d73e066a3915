/**
 * Reads the server log incrementally through SQL: the files pg_ls_logdir() lists and
 * pg_read_binary_file(file, offset, length) from a stored (file, offset). Never a byte
 * twice, at most `maxBytes` a run; a rotated log is followed to the next file, a file
 * that shrank (truncated, reused) is read from its start, and a record still being
 * written stays for the next run (the offset stops at the last complete record).
 */
import type { ProbeClient } from '../run-probe';
import type { LogAccess, LogFormat } from './access';
import { parseLog, type LogRecord } from './parse';

export interface LogCursor {
  file: string;
  offset: number;
}

export interface LogRead {
  records: LogRecord[];
  cursor: LogCursor | null;
  bytes: number;
  notes: string[];
}

export const LOG_READ_MAX_BYTES = 4 * 1024 * 1024;

interface LogFile {
  name: string;
  size: number;
}

const EXTENSION: Record<LogFormat, (name: string) => boolean> = {
  csvlog: (n) => n.endsWith('.csv'),
  jsonlog: (n) => n.endsWith('.json'),
  stderr: (n) => !n.endsWith('.csv') && !n.endsWith('.json'),
};

async function listFiles(client: ProbeClient, format: LogFormat): Promise<LogFile[]> {
  const { rows } = await client.query(
    `SELECT /* pgvigil:log_events */ name, size FROM pg_ls_logdir() ORDER BY modification, name`,
  );
  return rows
    .map((r) => ({ name: String(r.name), size: Number(r.size) }))
    .filter((f) => EXTENSION[format](f.name));
}

async function readBytes(
  client: ProbeClient,
  path: string,
  offset: number,
  length: number,
): Promise<Buffer | null> {
  const { rows } = await client.query(
    `SELECT /* pgvigil:log_events */ pg_read_binary_file($1, $2, $3, true) AS data`,
    [path, offset, length],
  );
  const data = rows[0]?.data;
  return Buffer.isBuffer(data) ? data : null;
}

/** The file to go on with when the cursor's file is gone: the next by name, else the newest. */
function resume(files: LogFile[], cursor: LogCursor): number {
  const next = files.findIndex((f) => f.name > cursor.file);
  return next >= 0 ? next : files.length - 1;
}

/**
 * One run's worth of new records. With no cursor yet it starts at the end of the newest
 * file: what was logged before pgvigil watched is not replayed as if it were new.
 */
export async function readLog(
  client: ProbeClient,
  access: Extract<LogAccess, { ok: true }>,
  cursor: LogCursor | null,
  opts: { now: Date; maxBytes?: number },
): Promise<LogRead> {
  const maxBytes = opts.maxBytes ?? LOG_READ_MAX_BYTES;
  const files = await listFiles(client, access.format);
  const notes: string[] = [];
  const newest = files[files.length - 1];
  if (!newest) return { records: [], cursor, bytes: 0, notes: ['no log file of this format yet'] };
  if (!cursor) {
    return { records: [], cursor: { file: newest.name, offset: newest.size }, bytes: 0, notes };
  }
  let i = files.findIndex((f) => f.name === cursor.file);
  let offset = cursor.offset;
  if (i < 0) {
    i = resume(files, cursor);
    offset = 0;
    notes.push(`${cursor.file} is gone; going on with ${files[i]!.name}`);
  }
  const records: LogRecord[] = [];
  let bytes = 0;
  for (;;) {
    const file = files[i]!;
    if (file.size < offset) {
      notes.push(
        `${file.name} shrank below the offset read (truncated): reading it from the start`,
      );
      offset = 0;
    }
    const length = Math.min(file.size - offset, maxBytes - bytes);
    if (length > 0) {
      const buf = await readBytes(client, `${access.directory}/${file.name}`, offset, length);
      if (buf === null) {
        notes.push(`${file.name} disappeared while being read`);
      } else {
        const parsed = parseLog(access.format, buf, opts.now, access.linePrefix);
        records.push(...parsed.records);
        let consumed = parsed.consumed;
        if (consumed === 0 && buf.length >= maxBytes) {
          consumed = buf.length; // one record larger than a run's budget: skipped, not a stall
          notes.push(`a record over ${maxBytes} bytes in ${file.name} was skipped`);
        }
        if (parsed.skipped > 0) notes.push(`${parsed.skipped} unreadable line(s) in ${file.name}`);
        offset += consumed;
        bytes += buf.length;
      }
    }
    const last = i === files.length - 1;
    if (offset < file.size && (last || bytes >= maxBytes)) break;
    if (last) break;
    if (offset < file.size) notes.push(`an unfinished last record of ${file.name} was left out`);
    i++;
    offset = 0;
  }
  return { records, cursor: { file: files[i]!.name, offset }, bytes, notes };
}
