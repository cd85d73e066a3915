import { createHash } from 'node:crypto';

/** One node of an EXPLAIN (FORMAT JSON) plan, as PostgreSQL writes it. */
export type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

// What makes two plans the same plan: the operators, what they read and through which
// index, how they join and in which order (child order). Costs, row estimates, widths
// and filter texts move with statistics and parameter values, so they are left out.
const SHAPE_KEYS = [
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
    const parts = SHAPE_KEYS.filter((k) => node[k] !== undefined).map(
      (k) => `${k}=${String(node[k])}`,
    );
    lines.push(`${'  '.repeat(depth)}${parts.join(' ')}`);
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(plan, 0);
  return lines;
}

/** A short stable hash of `planShape`: equal for plans that differ only in their estimates. */
export function planFingerprint(plan: PlanNode): string {
  return createHash('sha256').update(planShape(plan).join('\n')).digest('hex').slice(0, 16);
}
