import { createHash } from 'node:crypto';
import { planShape, type PlanNode } from '@pgvigil/schema';

/** A short stable hash of `planShape`: equal for plans that differ only in their estimates. */
export function planFingerprint(plan: PlanNode): string {
  return createHash('sha256').update(planShape(plan).join('\n')).digest('hex').slice(0, 16);
}
