import { diffLines, formatValue, planShape, selfCostShare, type PlanNode } from '@pgvigil/schema';
import type { StoredPlan } from '@/contract';
import { EmptyState } from '@/components/shell/states';
import { formatNumber } from './format';

/** A node whose own estimated cost is at least this share of the plan's is highlighted. */
const COSTLY_SHARE = 0.25;

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function nodeLabel(node: PlanNode): string {
  const s = (k: string) => (typeof node[k] === 'string' ? (node[k] as string) : null);
  const parts = [s('Node Type') ?? 'node'];
  if (s('Join Type') && !parts[0]!.includes('Join')) parts.push(`(${s('Join Type')})`);
  else if (s('Join Type')) parts[0] = `${s('Join Type')} ${parts[0]}`;
  if (s('Relation Name'))
    parts.push(
      `on ${s('Relation Name')}${s('Alias') && s('Alias') !== s('Relation Name') ? ` ${s('Alias')}` : ''}`,
    );
  if (s('Index Name')) parts.push(`using ${s('Index Name')}`);
  if (s('CTE Name')) parts.push(`CTE ${s('CTE Name')}`);
  if (s('Subplan Name')) parts.push(`[${s('Subplan Name')}]`);
  return parts.join(' ');
}

function PlanTreeNode({ node, root }: { node: PlanNode; root: PlanNode }) {
  const share = selfCostShare(node, root);
  const costly = share >= COSTLY_SHARE;
  return (
    <li>
      <span
        className={costly ? 'plan-node plan-costly' : 'plan-node'}
        data-costly={costly || undefined}
      >
        <strong>{nodeLabel(node)}</strong>{' '}
        <span className="muted">
          rows {formatNumber(Number(node['Plan Rows'] ?? 0))} · cost{' '}
          {formatNumber(Number(node['Total Cost'] ?? 0))} · own{' '}
          {formatValue(100 * share, 'percent')}
        </span>
      </span>
      {node.Plans?.length ? (
        <ul>
          {node.Plans.map((child, n) => (
            <PlanTreeNode key={n} node={child} root={root} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** A plan as a tree: operator, relation, index, estimated rows and cost; the costly nodes marked. */
export function PlanTree({ plan }: { plan: PlanNode }) {
  return (
    <ul className="plan-tree" data-testid="plan-tree">
      <PlanTreeNode node={plan} root={plan} />
    </ul>
  );
}

function PlanDiff({ before, after }: { before: StoredPlan; after: StoredPlan }) {
  const diff = diffLines(planShape(before.plan as PlanNode), planShape(after.plan as PlanNode));
  return (
    <pre className="plan-diff" data-testid="plan-diff">
      {diff.map((d, n) => (
        <div key={n} className={`plan-diff-${d.op}`}>
          {d.op === 'added' ? '+ ' : d.op === 'removed' ? '- ' : '  '}
          {d.line}
        </div>
      ))}
    </pre>
  );
}

/**
 * The query page's plans: the current plan as a tree, the history of plan changes and a
 * diff of two of them (`?planA=&planB=`, capture times; default the previous and the current).
 */
export function QueryPlans({
  plans,
  selected,
  keep,
}: {
  plans: readonly StoredPlan[];
  selected: { a?: string; b?: string };
  /** the page's query string (the window), kept by the diff form */
  keep: string;
}) {
  const current = plans[0];
  if (!current)
    return (
      <EmptyState title="No plan captured yet">
        The collector explains the top statements of each server once an hour (never ANALYZE):
        statements that are not DML, and parameterised ones before PostgreSQL 16, have no plan. The
        monitoring role needs SELECT on the tables a statement reads (docs/probes.md, Plans).
      </EmptyState>
    );
  const pick = (iso: string | undefined, fallback: StoredPlan) =>
    plans.find((p) => p.capturedAt.toISOString() === iso) ?? fallback;
  const after = pick(selected.b, current);
  const before = pick(selected.a, plans[1] ?? current);
  const options = plans.map((p) => (
    <option key={p.capturedAt.toISOString()} value={p.capturedAt.toISOString()}>
      {when(p.capturedAt)} · {p.fingerprint}
    </option>
  ));
  return (
    <>
      <p className="muted">
        Current plan ({current.source === 'generic' ? 'generic plan' : current.source}, in{' '}
        {current.database}), since {when(current.capturedAt)}, last seen {when(current.lastSeen)}.
      </p>
      <PlanTree plan={current.plan as PlanNode} />
      <h3>History</h3>
      <div className="table-wrap">
        <table data-testid="plan-history">
          <thead>
            <tr>
              <th>Appeared</th>
              <th>Last seen</th>
              <th>Fingerprint</th>
              <th>Source</th>
              <th>Top node</th>
              <th className="num">Est. cost</th>
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => (
              <tr key={p.capturedAt.toISOString()}>
                <td>{when(p.capturedAt)}</td>
                <td>{when(p.lastSeen)}</td>
                <td>
                  <code>{p.fingerprint}</code>
                </td>
                <td>{p.source}</td>
                <td>{nodeLabel(p.plan as PlanNode)}</td>
                <td className="num">{formatNumber(Number(p.plan['Total Cost'] ?? 0))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3 id="plan-diff">Compare two plans</h3>
      {plans.length < 2 ? (
        <p className="muted">One plan so far: the diff shows once the plan changes.</p>
      ) : (
        <>
          <form method="get" action="#plan-diff" className="toolbar">
            {[...new URLSearchParams(keep)].map(([k, v]) => (
              <input key={k} type="hidden" name={k} value={v} />
            ))}
            <label>
              Before{' '}
              <select name="planA" defaultValue={before.capturedAt.toISOString()}>
                {options}
              </select>
            </label>
            <label>
              After{' '}
              <select name="planB" defaultValue={after.capturedAt.toISOString()}>
                {options}
              </select>
            </label>
            <button type="submit" className="btn">
              Compare
            </button>
          </form>
          <PlanDiff before={before} after={after} />
        </>
      )}
    </>
  );
}
