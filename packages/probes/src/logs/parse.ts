/**
 * The server log's records from raw bytes: csvlog through a real CSV parser (quoted fields
 * span lines), jsonlog as JSON lines, stderr by a pattern built from log_line_prefix. Each
 * parser first finds where the last complete record ends, so a record the server is still
 * writing is read on the next run, never twice and never cut.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { LogFormat } from './access';

export interface LogRecord {
  at: Date;
  user: string | null;
  database: string | null;
  severity: string;
  sqlstate: string | null;
  message: string;
  detail: string | null;
  hint: string | null;
  context: string | null;
  statement: string | null;
  application: string | null;
  backendType: string | null;
  queryId: string | null;
}

export interface Parsed {
  records: LogRecord[];
  /** bytes of the input that held complete records (the rest is read again next time) */
  consumed: number;
  /** lines that were not a record of the format (a foreign line, a torn write) */
  skipped: number;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** End (exclusive) of the last record terminated by a newline outside double quotes. */
function completeCsvEnd(buf: Buffer): number {
  let quoted = false;
  let end = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === QUOTE) quoted = !quoted;
    else if (b === NEWLINE && !quoted) end = i + 1;
  }
  return end;
}

function lastNewlineEnd(buf: Buffer): number {
  return buf.lastIndexOf(NEWLINE) + 1;
}

/** PostgreSQL's log time ("2026-12-07 01:40:41.123 UTC", "... +01"); `fallback` if unknown. */
export function parseLogTime(text: string, fallback: Date): Date {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?: (\S+))?$/.exec(text.trim());
  if (!m) return fallback;
  const zone = m[3] ?? 'UTC';
  let offset: string | null = null;
  if (/^(UTC|GMT|Z)$/i.test(zone)) offset = 'Z';
  else {
    const z = /^([+-])(\d\d):?(\d\d)?$/.exec(zone);
    if (z) offset = `${z[1]}${z[2]}:${z[3] ?? '00'}`;
  }
  const parsed = offset
    ? new Date(`${m[1]}T${m[2]}${offset}`)
    : new Date(Date.parse(`${m[1]} ${m[2]} ${zone}`));
  return Number.isNaN(parsed.getTime()) ? fallback : parsed;
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;

// csvlog columns, the same from 14 to 18 (query_id since 14)
const CSV = {
  time: 0,
  user: 1,
  database: 2,
  severity: 11,
  sqlstate: 12,
  message: 13,
  detail: 14,
  hint: 15,
  context: 18,
  statement: 19,
  application: 22,
  backendType: 23,
  queryId: 25,
} as const;

function parseCsvlog(buf: Buffer, now: Date): Parsed {
  const consumed = completeCsvEnd(buf);
  if (consumed === 0) return { records: [], consumed, skipped: 0 };
  const rows = parseCsv(buf.subarray(0, consumed), {
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const r of rows) {
    const severity = r[CSV.severity];
    if (!severity || r[CSV.message] === undefined) {
      skipped++;
      continue;
    }
    records.push({
      at: parseLogTime(r[CSV.time] ?? '', now),
      user: str(r[CSV.user]),
      database: str(r[CSV.database]),
      severity,
      sqlstate: str(r[CSV.sqlstate]),
      message: r[CSV.message] ?? '',
      detail: str(r[CSV.detail]),
      hint: str(r[CSV.hint]),
      context: str(r[CSV.context]),
      statement: str(r[CSV.statement]),
      application: str(r[CSV.application]),
      backendType: str(r[CSV.backendType]),
      queryId: str(r[CSV.queryId]),
    });
  }
  return { records, consumed, skipped };
}

function parseJsonlog(buf: Buffer, now: Date): Parsed {
  const consumed = lastNewlineEnd(buf);
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const line of buf.subarray(0, consumed).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      skipped++;
      continue;
    }
    const severity = str(o.error_severity);
    if (!severity) {
      skipped++;
      continue;
    }
    records.push({
      at: parseLogTime(str(o.timestamp) ?? '', now),
      user: str(o.user),
      database: str(o.dbname),
      severity,
      sqlstate: str(o.state_code),
      message: str(o.message) ?? '',
      detail: str(o.detail),
      hint: str(o.hint),
      context: str(o.context),
      statement: str(o.statement),
      application: str(o.application_name),
      backendType: str(o.backend_type),
      // a 64-bit id, past what a JSON number holds exactly: taken from the text
      queryId: /"query_id":(-?\d+)/.exec(line)?.[1] ?? null,
    });
  }
  return { records, consumed, skipped };
}

const SEVERITY_WORDS =
  'DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|STATEMENT|DETAIL|HINT|CONTEXT|QUERY|LOCATION';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern for one stderr line: log_line_prefix's escapes as groups, then severity and text. */
export function stderrLinePattern(prefix: string): RegExp {
  let re = '';
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (c !== '%' || i + 1 >= prefix.length) {
      re += escapeRe(c);
      continue;
    }
    let esc = prefix[++i]!;
    // padding such as %-10u: the value is padded with spaces
    while (/[-\d]/.test(esc) && i + 1 < prefix.length) esc = prefix[++i]!;
    switch (esc) {
      case 'm':
      case 't':
        re += '(?<time>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?: \\S+)?)';
        break;
      case 'n':
        re += '(?<epoch>\\d+(?:\\.\\d+)?)';
        break;
      case 'd':
        re += '(?<database>[^\\s@]*)\\s*';
        break;
      case 'u':
        re += '(?<user>[^\\s@]*)\\s*';
        break;
      case 'e':
        re += '(?<sqlstate>[0-9A-Z]{5})';
        break;
      case 'a':
        re += '(?<application>.*?)';
        break;
      case 'p':
      case 'l':
        re += '\\d*\\s*';
        break;
      case 'q':
        re += '(?:';
        break;
      case '%':
        re += '%';
        break;
      default:
        re += '.*?';
    }
  }
  // %q ends the prefix for processes without a session: what follows it is optional
  if (prefix.includes('%q')) re += ')?';
  return new RegExp(`^${re}(?<severity>${SEVERITY_WORDS}):  (?<message>.*)$`);
}

function parseStderr(buf: Buffer, now: Date, prefix: string): Parsed {
  const consumed = lastNewlineEnd(buf);
  const pattern = stderrLinePattern(prefix);
  const records: LogRecord[] = [];
  let skipped = 0;
  for (const line of buf.subarray(0, consumed).toString('utf8').split('\n')) {
    if (line === '') continue;
    const last = records[records.length - 1];
    if (line.startsWith('\t')) {
      if (last) last.message += `\n${line.slice(1)}`; // continuation of a multi-line text
      continue;
    }
    const m = pattern.exec(line);
    if (!m?.groups) {
      skipped++;
      continue;
    }
    const g = m.groups;
    const text = g.message ?? '';
    const field = (
      { STATEMENT: 'statement', DETAIL: 'detail', HINT: 'hint', CONTEXT: 'context' } as const
    )[g.severity as 'STATEMENT'];
    if (field || g.severity === 'QUERY' || g.severity === 'LOCATION') {
      if (last && field) last[field] = text;
      continue;
    }
    records.push({
      at: g.epoch ? new Date(Number(g.epoch) * 1000) : parseLogTime(g.time ?? '', now),
      user: str(g.user),
      database: str(g.database),
      severity: g.severity!,
      sqlstate: str(g.sqlstate),
      message: text,
      detail: null,
      hint: null,
      context: null,
      statement: null,
      application: str(g.application),
      backendType: null,
      queryId: null,
    });
  }
  return { records, consumed, skipped };
}

/** The complete records at the start of `buf`; `now` stands in for a time it cannot read. */
export function parseLog(format: LogFormat, buf: Buffer, now: Date, linePrefix = ''): Parsed {
  switch (format) {
    case 'csvlog':
      return parseCsvlog(buf, now);
    case 'jsonlog':
      return parseJsonlog(buf, now);
    case 'stderr':
      return parseStderr(buf, now, linePrefix);
  }
}
