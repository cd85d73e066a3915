import type { LintFinding } from '@/contract';
import { EmptyState } from '@/components/shell/states';

/** Configuration and security findings, each with why it matters and the fix. */
export function LintFindings({
  findings,
  showDatabase,
}: {
  findings: LintFinding[];
  showDatabase: boolean;
}) {
  if (!findings.length)
    return (
      <EmptyState title="No findings">
        The config_lint probe checks hourly for login superusers, CREATE on schema public for
        PUBLIC, disabled triggers, SECURITY DEFINER functions without a fixed search_path, views
        nested more than 3 levels and partial index candidates.
      </EmptyState>
    );
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Findings">
        <thead>
          <tr>
            <th>Finding</th>
            {showDatabase ? <th>Database</th> : null}
            <th>Object</th>
            <th>Why it matters</th>
            <th>Fix</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((f) => (
            <tr key={`${f.database}|${f.check}|${f.object}`}>
              <td>{f.title}</td>
              {showDatabase ? <td>{f.database}</td> : null}
              <td>
                <code>{f.object}</code>
                {f.detail ? <span className="muted"> ({f.detail})</span> : null}
              </td>
              <td>{f.why}</td>
              <td>{f.fix}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
