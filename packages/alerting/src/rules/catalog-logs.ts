import { num } from './derive';
import { define } from './catalog-core';
import type { Derive, RuleDefinition, SourceRow } from './types';

/**
 * Log insights: rules on metrics.log_events, the server's own log counted per run by
 * (database, severity, SQLSTATE class, notable kind). The probe writes rows only when
 * the log had something, so a series without rows has cleared (absentIsClear).
 */
const COLUMNS = ['events', 'severity', 'sqlstate_class', 'kind', 'samples'] as const;

/** The run's count of matching records, per run (rows of one run share their time). */
const countOf =
  (match: (v: Record<string, unknown>) => boolean): Derive =>
  (rows) => {
    const byRun = new Map<number, { at: Date; value: number }>();
    for (const r of rows) {
      const run = byRun.get(r.at.getTime()) ?? { at: r.at, value: 0 };
      if (match(r.values)) run.value += num(r.values.events) ?? 0;
      byRun.set(r.at.getTime(), run);
    }
    return [...byRun.values()];
  };

const source = (match: (v: Record<string, unknown>) => boolean, objectKeys?: string[]) => ({
  probe: 'log_events',
  columns: COLUMNS,
  ...(objectKeys ? { objectKeys } : {}),
  derive: countOf(match),
  absentIsClear: true as const,
});

const logLink = ({ serverId }: { serverId: number }) => `/servers/${serverId}/logs`;

interface Sampled {
  message?: string;
  detail?: string | null;
  context?: string | null;
  statement?: string | null;
}

/** The newest sample of `kind`: its detail (a deadlock's statements) or message, and where. */
const newestSample =
  (kind: string) =>
  (rows: readonly SourceRow[]): string | null => {
    for (let i = rows.length - 1; i >= 0; i--) {
      const v = rows[i]!.values;
      if (v.kind !== kind || !Array.isArray(v.samples)) continue;
      const s = (v.samples as Sampled[]).at(-1);
      if (!s) continue;
      const text = [
        s.detail ?? s.message,
        s.context,
        s.statement ? `statement: ${s.statement}` : null,
      ]
        .filter(Boolean)
        .join('; ')
        .replace(/\s+/g, ' ');
      return text.length > 400 ? `${text.slice(0, 400)}…` : text;
    }
    return null;
  };

const is = (kind: string) => (v: Record<string, unknown>) => v.kind === kind;

export const LOG_RULES: RuleDefinition[] = [
  define({
    key: 'log_fatal_panic',
    name: 'FATAL or PANIC in the server log',
    category: 'availability',
    source: source(
      (v) => (v.severity === 'FATAL' || v.severity === 'PANIC') && v.sqlstate_class !== '28',
    ),
    aggregation: 'max',
    windowSeconds: 300,
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    link: logLink,
    explanation:
      'FATAL (a session ended by an error) or PANIC (the server crashed) records in the server log in a run within the last 5 minutes; authentication failures have their own rule.',
    runbook:
      'Open the Log page for the messages and their SQLSTATE: 53300 too many connections, 3D000 a database that does not exist, 57P01 terminated by an administrator, XX000 an internal error worth a bug report.',
  }),
  define({
    key: 'log_auth_failures',
    name: 'Authentication failures',
    category: 'connections',
    source: source(is('auth_failure')),
    aggregation: 'latest',
    windowSeconds: 300,
    warning: 10,
    critical: 100,
    forSeconds: 0,
    unit: 'count',
    link: logLink,
    explanation:
      'Failed logins (SQLSTATE 28P01 wrong password, 28000 refused by pg_hba.conf) in the last run of the log reader (a minute).',
    runbook:
      'The Log page names the users and applications: a client with a stale password after a rotation, or someone guessing. Fix the client, or block the address in pg_hba.conf.',
  }),
  define({
    key: 'log_errors_by_class',
    name: 'Errors in the server log',
    category: 'queries',
    source: source((v) => v.severity === 'ERROR', ['sqlstate_class']),
    aggregation: 'latest',
    windowSeconds: 300,
    warning: 60,
    critical: 600,
    forSeconds: 120,
    unit: 'count',
    link: logLink,
    explanation:
      'ERROR records of one SQLSTATE class (22 data exception, 23 integrity violation, 42 syntax or access, 57 operator intervention...) in the last run of the log reader: a fixed threshold per minute, not a baseline.',
    runbook:
      'The Log page shows the newest messages of the class with their statements: a deploy that broke a query, a constraint the application keeps hitting.',
  }),
  define({
    key: 'log_checkpoints_too_frequent',
    name: 'Checkpoints occurring too frequently',
    category: 'wal',
    source: source(is('checkpoint_too_frequent')),
    aggregation: 'max',
    windowSeconds: 900,
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    link: logLink,
    explanation:
      'The server logged "checkpoints are occurring too frequently" in the last 15 minutes: WAL volume forces checkpoints closer together than checkpoint_warning, each one writing every dirty page and full-page images after it.',
    runbook: 'Raise max_wal_size (ALTER SYSTEM SET max_wal_size = ...; SELECT pg_reload_conf();).',
  }),
  define({
    key: 'log_autovacuum_cancelled',
    name: 'Autovacuum cancelled',
    category: 'vacuum',
    source: source(is('autovacuum_cancelled')),
    aggregation: 'max',
    windowSeconds: 900,
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    link: logLink,
    explanation:
      'The server logged "canceling autovacuum task" in the last 15 minutes: a lock request (DDL, LOCK TABLE, a truncate) made autovacuum give up on a table, which then stays unvacuumed.',
    runbook:
      'The sample names the table (in its context). Move the DDL or the locking job away from the table, or vacuum it by hand in a quiet moment.',
    excerpt: newestSample('autovacuum_cancelled'),
  }),
  define({
    key: 'log_deadlocks',
    name: 'Deadlocks in the server log',
    category: 'locks',
    source: source(is('deadlock')),
    aggregation: 'max',
    windowSeconds: 300,
    warning: 0,
    critical: null,
    forSeconds: 0,
    unit: 'count',
    link: logLink,
    explanation:
      'Deadlocks (SQLSTATE 40P01) in the server log in the last 5 minutes, with the statements of the processes involved from the log detail.',
    runbook:
      'Make the transactions named in the detail take their locks in the same order (for example rows by primary key), or retry on 40P01.',
    excerpt: newestSample('deadlock'),
  }),
];
