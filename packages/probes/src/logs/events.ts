/**
 * What pgvigil keeps of the server log: per minute of the log's own time, counts per
 * (database, severity, SQLSTATE class, notable kind), with a bounded number of redacted
 * sample messages per class and run. Pure.
 */
import type { MetricSpec } from '@pgvigil/schema';
import type { LogRecord } from './parse';

/**
 * Events rules watch that no SQLSTATE class singles out. The two LOG lines are matched by
 * their text, the only thing that tells them apart (so they need lc_messages in English).
 */
export const LOG_EVENT_KINDS = [
  'auth_failure',
  'deadlock',
  'checkpoint_too_frequent',
  'autovacuum_cancelled',
] as const;
export type LogEventKind = (typeof LOG_EVENT_KINDS)[number];

export const LOG_SEVERITIES = [
  'DEBUG',
  'INFO',
  'NOTICE',
  'WARNING',
  'ERROR',
  'LOG',
  'FATAL',
  'PANIC',
] as const;

/** metrics.log_events: written by the collector from the log files, not by SQL. */
export const LOG_EVENTS_METRIC: MetricSpec = {
  name: 'log_events',
  scope: 'instance',
  intervalSeconds: 60,
  retentionDays: 14,
  changeTracked: false,
  rollups: false,
  columns: [
    {
      name: 'minute',
      type: 'timestamptz',
      key: true,
      description: 'the minute the server logged them',
    },
    {
      name: 'datname',
      type: 'text',
      key: true,
      description: 'database (none for background processes)',
    },
    {
      name: 'severity',
      type: 'text',
      key: true,
      description: 'ERROR, FATAL, PANIC, WARNING, LOG...',
    },
    {
      name: 'sqlstate_class',
      type: 'text',
      key: true,
      description: "first two characters of the SQLSTATE ('28': authentication)",
    },
    {
      name: 'kind',
      type: 'text',
      key: true,
      description: `${LOG_EVENT_KINDS.join(', ')} or empty`,
    },
    {
      name: 'events',
      type: 'int',
      delta: true,
      unit: 'count',
      description: 'records read in this run',
    },
    {
      name: 'samples',
      type: 'jsonb',
      description:
        'up to a few redacted messages per class and run: time, SQLSTATE, user, message, detail, context, statement',
    },
  ],
};

export const SAMPLES_PER_CLASS = 5;
const MESSAGE_CHARS = 500;
const DETAIL_CHARS = 2000;
const STATEMENT_CHARS = 1000;

/** Severities worth a sample; LOG lines only when they are one of the notable kinds. */
const SAMPLED = new Set(['WARNING', 'ERROR', 'FATAL', 'PANIC']);

export function eventKind(r: Pick<LogRecord, 'sqlstate' | 'message'>): LogEventKind | '' {
  if (r.sqlstate === '28P01' || r.sqlstate === '28000') return 'auth_failure';
  if (r.sqlstate === '40P01') return 'deadlock';
  if (r.message.startsWith('checkpoints are occurring too frequently'))
    return 'checkpoint_too_frequent';
  if (r.message.startsWith('canceling autovacuum task')) return 'autovacuum_cancelled';
  return '';
}

const REDACTIONS: [RegExp, string][] = [
  // CREATE/ALTER ROLE ... PASSWORD '...' (also ENCRYPTED PASSWORD, E'...' strings)
  [/(\bPASSWORD\s+E?)'(?:[^'\\]|''|\\.)*'?/gi, "$1'[redacted]'"],
  // $$-quoted passwords
  [/(\bPASSWORD\s+)(\$[A-Za-z_]*\$)[\s\S]*?(\2|$)/gi, "$1'[redacted]'"],
  // libpq keyword/value connection strings: password=secret, password = 'se cret'
  [/(\bpassword\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|[^\s']+)/gi, '$1[redacted]'],
  // URIs: postgresql://user:secret@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi, '$1[redacted]@'],
];

/** Secrets out of a log text: role passwords and connection-string passwords. */
export function redactLogText(text: string): string {
  return REDACTIONS.reduce((t, [re, to]) => t.replace(re, to), text);
}

const cut = (text: string | null, max: number) =>
  text === null ? null : redactLogText(text.length > max ? `${text.slice(0, max)}…` : text);

export interface LogSample {
  at: string;
  severity: string;
  sqlstate: string | null;
  user: string | null;
  application: string | null;
  message: string;
  detail: string | null;
  hint: string | null;
  /** where it happened: "automatic vacuum of table ...", "while updating tuple ..." */
  context: string | null;
  statement: string | null;
}

function sampleOf(r: LogRecord): LogSample {
  // redact before cutting too: a cut could split the secret from its keyword
  const whole = (t: string | null, max: number) => cut(t === null ? null : redactLogText(t), max);
  return {
    at: r.at.toISOString(),
    severity: r.severity,
    sqlstate: r.sqlstate,
    user: r.user,
    application: r.application,
    message: whole(r.message, MESSAGE_CHARS) ?? '',
    detail: whole(r.detail, DETAIL_CHARS),
    hint: whole(r.hint, MESSAGE_CHARS),
    context: whole(r.context, MESSAGE_CHARS),
    statement: whole(r.statement, STATEMENT_CHARS),
  };
}

const normalSeverity = (s: string) => (/^DEBUG/.test(s) ? 'DEBUG' : s);

/** One run's records as rows of metrics.log_events. */
export function logEventRows(
  records: readonly LogRecord[],
  samplesPerClass = SAMPLES_PER_CLASS,
): Record<string, unknown>[] {
  const rows = new Map<
    string,
    Record<string, unknown> & { events: number; samples: LogSample[] }
  >();
  const sampled = new Map<string, number>();
  for (const r of records) {
    const minute = new Date(Math.floor(r.at.getTime() / 60_000) * 60_000);
    const severity = normalSeverity(r.severity);
    const cls = (r.sqlstate ?? '00000').slice(0, 2);
    const kind = eventKind(r);
    const key = [minute.getTime(), r.database ?? '', severity, cls, kind].join('\u0000');
    let row = rows.get(key);
    if (!row) {
      row = {
        minute,
        datname: r.database,
        severity,
        sqlstate_class: cls,
        kind,
        events: 0,
        samples: [],
      };
      rows.set(key, row);
    }
    row.events++;
    if (!SAMPLED.has(severity) && kind === '') continue;
    const sampleKey = `${cls}:${kind}`;
    const n = sampled.get(sampleKey) ?? 0;
    if (n >= samplesPerClass) continue;
    sampled.set(sampleKey, n + 1);
    row.samples.push(sampleOf(r));
  }
  return [...rows.values()].map((r) => ({ ...r, samples: r.samples.length ? r.samples : null }));
}
