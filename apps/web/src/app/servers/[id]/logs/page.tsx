import { getServerLogs, type LogCount } from '@pgvigil/db/dashboard';
import { serverTrail, withQuery } from '@/components/dashboard/links';
import { loadServer } from '@/components/dashboard/load';
import { formatNumber } from '@/components/dashboard/format';
import { pageWindow, type SearchParams } from '@/components/dashboard/window';
import { PageHeader } from '@/components/shell/page-header';
import { EmptyState } from '@/components/shell/states';
import { db } from '@/server/db';

/** The SQLSTATE classes a DBA meets most in a log, by their code. */
const CLASS_NAMES: Record<string, string> = {
  '00': 'no error (LOG lines)',
  '01': 'warning',
  '08': 'connection exception',
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '25': 'invalid transaction state',
  '28': 'invalid authorization (logins)',
  '3D': 'invalid catalog name (database)',
  '40': 'transaction rollback (deadlock, serialization)',
  '42': 'syntax error or access rule violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '55': 'object not in prerequisite state',
  '57': 'operator intervention (cancel, shutdown)',
  '58': 'system error',
  XX: 'internal error',
};

const SEVERITY_COLUMNS = ['PANIC', 'FATAL', 'ERROR', 'WARNING'] as const;

/** Total events per class and severity over the window, the busiest first. */
function byClass(counts: readonly LogCount[]) {
  const out = new Map<string, { cls: string; severity: string; events: number; last: Date }>();
  for (const c of counts) {
    const key = `${c.sqlstateClass}:${c.severity}`;
    const row = out.get(key) ?? {
      cls: c.sqlstateClass,
      severity: c.severity,
      events: 0,
      last: c.at,
    };
    row.events += c.events;
    if (c.at > row.last) row.last = c.at;
    out.set(key, row);
  }
  return [...out.values()].sort((a, b) => b.events - a.events);
}

/** Per bucket, newest first: events by severity, and the notable kinds. */
function byTime(counts: readonly LogCount[]) {
  const out = new Map<
    number,
    { at: Date; sev: Record<string, number>; kind: Record<string, number> }
  >();
  for (const c of counts) {
    const row = out.get(c.at.getTime()) ?? { at: c.at, sev: {}, kind: {} };
    row.sev[c.severity] = (row.sev[c.severity] ?? 0) + c.events;
    if (c.kind) row.kind[c.kind] = (row.kind[c.kind] ?? 0) + c.events;
    out.set(c.at.getTime(), row);
  }
  return [...out.values()].sort((a, b) => b.at.getTime() - a.at.getTime());
}

const time = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);

export default async function LogsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}) {
  const now = new Date();
  const server = await loadServer((await params).id);
  const { w, query } = await pageWindow(searchParams, now);
  const logs = await getServerLogs({
    db: db(),
    input: { serverId: server.id, from: w.from, to: w.to, limit: 50 },
  });
  const crumbs = [
    ...serverTrail(server),
    { label: server.name, href: withQuery(`/servers/${server.id}`, query) },
    { label: 'Log' },
  ];
  const classes = byClass(logs.counts);
  const buckets = byTime(logs.counts);
  return (
    <>
      <PageHeader crumbs={crumbs} title="Server log" subtitle={server.name} query={query} />
      {!logs.collected ? (
        <EmptyState title="The server log is not collected">
          pgvigil reads the log when the monitoring role may list and read it and logging_collector
          writes csvlog, jsonlog (15+) or stderr with a usable log_line_prefix. Test connection in
          the server&apos;s settings says what is missing, with the exact GRANT or setting
          (docs/permissions.md, &quot;The server log&quot;).
        </EmptyState>
      ) : (
        <>
          <section className="panel" aria-labelledby="log-classes-title">
            <h2 id="log-classes-title">By SQLSTATE class and severity</h2>
            {classes.length === 0 ? (
              <p className="muted">Nothing logged in this window.</p>
            ) : (
              <div className="table-wrap">
                <table data-testid="log-classes">
                  <thead>
                    <tr>
                      <th>Class</th>
                      <th>Severity</th>
                      <th className="num">Events</th>
                      <th>Last minute</th>
                    </tr>
                  </thead>
                  <tbody>
                    {classes.map((c) => (
                      <tr key={`${c.cls}:${c.severity}`}>
                        <td>
                          <code>{c.cls}</code> {CLASS_NAMES[c.cls] ?? ''}
                        </td>
                        <td>{c.severity}</td>
                        <td className="num">{formatNumber(c.events)}</td>
                        <td>{time(c.last)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="panel" aria-labelledby="log-time-title">
            <h2 id="log-time-title">Over time</h2>
            <p className="muted">
              Events per {logs.bucketSeconds / 60} minute(s) of the log&apos;s own time, newest
              first; buckets with nothing logged are left out.
            </p>
            <div className="table-wrap">
              <table data-testid="log-over-time">
                <thead>
                  <tr>
                    <th>From (UTC)</th>
                    {SEVERITY_COLUMNS.map((s) => (
                      <th key={s} className="num">
                        {s}
                      </th>
                    ))}
                    <th className="num">Other</th>
                    <th>Notable</th>
                  </tr>
                </thead>
                <tbody>
                  {buckets.map((b) => {
                    const listed = SEVERITY_COLUMNS.reduce((n, s) => n + (b.sev[s] ?? 0), 0);
                    const all = Object.values(b.sev).reduce((n, v) => n + v, 0);
                    return (
                      <tr key={b.at.getTime()}>
                        <td>{time(b.at)}</td>
                        {SEVERITY_COLUMNS.map((s) => (
                          <td key={s} className="num">
                            {formatNumber(b.sev[s] ?? 0)}
                          </td>
                        ))}
                        <td className="num">{formatNumber(all - listed)}</td>
                        <td>
                          {Object.entries(b.kind)
                            .map(([k, n]) => `${k.replaceAll('_', ' ')} ${n}`)
                            .join(', ')}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
          <section className="panel" aria-labelledby="log-samples-title">
            <h2 id="log-samples-title">Newest messages</h2>
            <p className="muted">
              At most five per class and minute of reading, passwords redacted, long texts cut.
            </p>
            {logs.samples.length === 0 ? (
              <p className="muted">No warning or error in this window.</p>
            ) : (
              <div className="table-wrap">
                <table data-testid="log-samples">
                  <thead>
                    <tr>
                      <th>Time (UTC)</th>
                      <th>Database</th>
                      <th>Severity</th>
                      <th>SQLSTATE</th>
                      <th>User</th>
                      <th>Message</th>
                    </tr>
                  </thead>
                  <tbody>
                    {logs.samples.map((s, n) => (
                      <tr key={n}>
                        <td>{time(s.at)}</td>
                        <td>{s.database ?? '—'}</td>
                        <td>{s.severity}</td>
                        <td>
                          <code>{s.sqlstate ?? '—'}</code>
                        </td>
                        <td>{s.user ?? '—'}</td>
                        <td>
                          {s.message}
                          {[s.detail, s.context, s.statement && `statement: ${s.statement}`]
                            .filter(Boolean)
                            .map((t) => (
                              <pre key={t} className="muted log-text">
                                {t}
                              </pre>
                            ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
