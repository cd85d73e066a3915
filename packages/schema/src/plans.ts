// The shape of a captured plan, shared by the fingerprint (probes), the plan tree and
// the plan diff (web). Pure and browser-safe.

/** One node of an EXPLAIN (FORMAT JSON) plan, as PostgreSQL writes it. */
export type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

// What makes two plans the same plan: the operators, what they read and through which
// index, how they join and in which order (child order). Costs, row estimates, widths
// and filter texts move with statistics and parameter values, so they are left out.
export const PLAN_SHAPE_KEYS = [
  'Node Type',
  'Parent Relationship',
  'Join Type',
  'Strategy',
  'Partial Mode',
  'Scan Direction',
  'Schema',
  'Relation Name',
  'Index Name',
  'CTE Name',
  'Subplan Name',
  'Function Name',
] as const;

/** The structure of a plan tree without its estimates: one line per node, indented by depth. */
export function planShape(plan: PlanNode): string[] {
  const lines: string[] = [];
  const walk = (node: PlanNode, depth: number) => {
    const parts = PLAN_SHAPE_KEYS.filter((k) => node[k] !== undefined).map(
      (k) => `${k}=${String(node[k])}`,
    );
    lines.push(`${'  '.repeat(depth)}${parts.join(' ')}`);
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(plan, 0);
  return lines;
}

export type DiffLine = { op: 'same' | 'removed' | 'added'; line: string };

/** A line diff (longest common subsequence) of two short texts, such as two plan shapes. */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] =
        before[i] === after[j]
          ? lcs[i + 1]![j + 1]! + 1
          : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      out.push({ op: 'same', line: before[i]! });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ op: 'added', line: after[j]! });
      j++;
    } else {
      out.push({ op: 'removed', line: before[i]! });
      i++;
    }
  }
  return out;
}

/**
 * Each node's own share of the plan's estimated total cost: its Total Cost less its
 * children's, over the root's. The costly nodes are those with the largest share.
 */
export function selfCostShare(node: PlanNode, root: PlanNode): number {
  const total = Number(root['Total Cost'] ?? 0);
  if (!(total > 0)) return 0;
  const children = (node.Plans ?? []).reduce((s, c) => s + Number(c['Total Cost'] ?? 0), 0);
  return Math.max(0, Number(node['Total Cost'] ?? 0) - children) / total;
}
