'use client';

import type { ReadinessReportView } from '@/contract';
import { CopyButton } from './copy-button';
import { objectFacts } from './readiness-format';
import { readinessMarkdown } from './readiness-markdown';

const BADGE = { ok: 'badge-ok', warning: 'badge-warning', blocker: 'badge-critical' } as const;
const STATUS = { ok: 'ok', warning: 'warning', blocker: 'blocker' } as const;
const VERDICT = {
  ready: { text: 'Ready', badge: 'badge-ok' },
  ready_with_warnings: { text: 'Ready, with warnings', badge: 'badge-warning' },
  blocked: { text: 'Blocked', badge: 'badge-critical' },
} as const;

/** The checks with their objects and fix SQL (to copy), and the whole report as Markdown. */
export function ReadinessReport({
  report,
  server,
  generatedAt,
}: {
  report: ReadinessReportView;
  server: string;
  generatedAt: string;
}) {
  const markdown = readinessMarkdown(report, { server, generatedAt });
  const verdict = VERDICT[report.verdict];
  const download = () => {
    const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `readiness-${report.database}-${report.purpose}.md`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <>
      <section className="panel section" aria-labelledby="verdict-title">
        <h2 id="verdict-title">
          Verdict: <span className={`badge ${verdict.badge}`}>{verdict.text}</span>
        </h2>
        <p className="muted">
          {report.checks.filter((c) => c.status === 'blocker').length} blockers,{' '}
          {report.checks.filter((c) => c.status === 'warning').length} warnings, read live on
          PostgreSQL {Math.floor(report.serverVersion / 10000)} at {generatedAt}.
        </p>
        <div className="toolbar">
          <button type="button" className="btn" onClick={download}>
            Export Markdown
          </button>
          <CopyButton text={markdown} label="Copy Markdown" />
        </div>
      </section>
      <section className="panel section" aria-label="Checks">
        <div className="table-wrap">
          <table className="data readiness" aria-label="Readiness checks">
            <thead>
              <tr>
                <th>Check</th>
                <th>Status</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {report.checks.map((c) => (
                <tr key={c.key} data-check={c.key}>
                  <td>{c.title}</td>
                  <td>
                    <span className={`badge ${BADGE[c.status]}`}>{STATUS[c.status]}</span>
                  </td>
                  <td>
                    <p>{c.detail}</p>
                    {c.objects?.length ? (
                      <details>
                        <summary>
                          {c.objects.length} {c.objects.length === 1 ? 'object' : 'objects'}
                        </summary>
                        <ul>
                          {c.objects.map((o, i) => (
                            <li key={`${o.name}-${i}`}>
                              <code>{o.name}</code> {objectFacts(o)}
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : null}
                    {c.fix ? (
                      <div>
                        <pre className="fix-sql">
                          <code>{c.fix}</code>
                        </pre>
                        <CopyButton text={c.fix} label="Copy fix SQL" />
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
